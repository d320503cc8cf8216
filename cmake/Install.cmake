# What `cmake --install BUILD [--prefix DIR]` puts where (GNUInstallDirs paths):
#   bin/wasmscope                         the CLI
#   include/...                           the public headers (the whole include/ tree)
#   lib/libwasmscope.so.0.3.0, .so.0.3, .so the shared library (soname libwasmscope.so.0.3)
#   lib/libwasmscope.a                    every library of src/ in one archive
#   lib/wasmscope/libwasmscope-llvm.so    the compiler plugin (LLVM), opened when compiling
#   lib/cmake/wasmscope/                  find_package(wasmscope CONFIG): wasmscope::wasmscope,
#                                         wasmscope::wasmscope_static
#   lib/pkgconfig/wasmscope.pc            pkg-config, shared; wasmscope-static.pc: the archive
# Sanitizer and fuzz builds make no libraries (src/shared), so they install the CLI and headers
# only. Every installed path is relative to the prefix, so an installed tree can be moved;
# docs/embedding.md shows the consumer's side, tests/install/ checks it.
include(CMakePackageConfigHelpers)

install(TARGETS wasmscope RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hh")

if(TARGET wasmscope_llvm)
  install(TARGETS wasmscope_llvm LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/wasmscope)
endif()

if(NOT TARGET wasmscope_shared)
  return()
endif()

install(TARGETS wasmscope_shared wasmscope_static EXPORT wasmscope_targets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

# The CMake package.
set(wasmscope_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/wasmscope)
install(EXPORT wasmscope_targets NAMESPACE wasmscope:: FILE wasmscopeTargets.cmake
  DESTINATION ${wasmscope_cmake_dir})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/wasmscopeConfig.cmake.in
  ${PROJECT_BINARY_DIR}/wasmscopeConfig.cmake INSTALL_DESTINATION ${wasmscope_cmake_dir})
# The soname carries the major version, so a request for 0.1 accepts any 0.x.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/wasmscopeConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/wasmscopeConfig.cmake
  ${PROJECT_BINARY_DIR}/wasmscopeConfigVersion.cmake DESTINATION ${wasmscope_cmake_dir})

# The pkg-config files find the prefix from their own location (${pcfiledir}), so they stay
# right when the prefix is chosen at install time or the tree is moved. An absolute
# CMAKE_INSTALL_LIBDIR or INCLUDEDIR is used as given.
set(wasmscope_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE ${wasmscope_pc_dir})
  set(WASMSCOPE_PC_PREFIX ${CMAKE_INSTALL_PREFIX})
else()
  file(RELATIVE_PATH up /prefix/${wasmscope_pc_dir} /prefix)
  string(REGEX REPLACE "/$" "" up "${up}")
  set(WASMSCOPE_PC_PREFIX "\${pcfiledir}/${up}")
endif()
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE ${CMAKE_INSTALL_${dir}})
    set(WASMSCOPE_PC_${dir} ${CMAKE_INSTALL_${dir}})
  else()
    set(WASMSCOPE_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
foreach(pc wasmscope wasmscope-static)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${wasmscope_pc_dir})
endforeach()

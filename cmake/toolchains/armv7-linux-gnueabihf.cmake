# Cross build for 32-bit ARMv7-A Linux with Debian's g++-arm-linux-gnueabihf (its default
# target: ARMv7-A, Thumb-2, VFPv3-D16 hard float, no NEON); CTest runs
# every target binary through qemu-user (Debian's qemu-user-static, no binfmt_misc needed).
#   cmake -G Ninja -S . -B build-armv7 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/armv7-linux-gnueabihf.cmake
# The compiled tier is off (there is no cross LLVM 19): see docs/testing.md, "ARM".
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(WASMSCOPE_CROSS_TRIPLE arm-linux-gnueabihf)
set(WASMSCOPE_QEMU qemu-arm-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)

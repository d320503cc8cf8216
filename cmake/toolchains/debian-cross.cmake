# The part of the ARM toolchain files they share: included by aarch64-linux-gnu.cmake and
# armv7-linux-gnueabihf.cmake after they set WASMSCOPE_CROSS_TRIPLE (the Debian cross
# toolchain's prefix), CMAKE_SYSTEM_PROCESSOR and WASMSCOPE_QEMU (qemu-user's program).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${WASMSCOPE_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${WASMSCOPE_CROSS_TRIPLE}-g++)
# The target's libraries: the cross toolchain's prefix, and Debian's multiarch -dev packages
# for the target architecture (zlib1g-dev:arm64 or :armhf, in /usr/lib/TRIPLE: scripts/
# install-deps.sh). Build tools (clang-16 for wasm guests, wat2wasm, bash) come from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${WASMSCOPE_CROSS_TRIPLE} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
# Package files: the architecture-independent ones (nlohmann_json) are in the host's /usr/share.
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE BOTH)
# -L: where qemu finds the target's dynamic loader (the cross toolchain's ld.so). -E
# LD_LIBRARY_PATH: its libc and libstdc++ from the same place. Without it ld.so searches the
# multiarch directories first, and qemu, finding no /usr/TRIPLE/lib/TRIPLE, falls back to the
# host's /lib/TRIPLE: the libc6:arm64/armhf package that zlib1g-dev:arm64/armhf pulls in, a
# different glibc build (2.36-9+deb12uN against the cross ld.so's 2.36-8). ld.so and libc
# must be one build (GLIBC_PRIVATE, _rtld_global's layout): with the mix, pthread_create
# walked a broken stack-cache list forever, and every program starting a thread hung.
set(CMAKE_CROSSCOMPILING_EMULATOR ${WASMSCOPE_QEMU} -L /usr/${WASMSCOPE_CROSS_TRIPLE}
    -E LD_LIBRARY_PATH=/usr/${WASMSCOPE_CROSS_TRIPLE}/lib)
set(WASMSCOPE_COMPILER OFF CACHE BOOL "The compiled tier needs LLVM 19 for the target" FORCE)

# Cross build for 64-bit ARM Linux (AArch64) with Debian's g++-aarch64-linux-gnu; CTest runs
# every target binary through qemu-user (Debian's qemu-user-static, no binfmt_misc needed).
#   cmake -G Ninja -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
# The compiled tier is off (there is no cross LLVM 19): see docs/testing.md, "ARM".
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(WASMSCOPE_CROSS_TRIPLE aarch64-linux-gnu)
set(WASMSCOPE_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)

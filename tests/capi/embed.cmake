# cmake -DINPUT=x.wasm -DOUTPUT=x.c -DNAME=x -P embed.cmake: writes the bytes of INPUT as a C
# array {NAME} with its size {NAME_size}, for tests that take a module without reading files.
file(READ ${INPUT} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n  " bytes "${bytes}")
file(WRITE ${OUTPUT} "/* Generated from ${INPUT} by tests/capi/embed.cmake. */\n#include <stddef.h>\n"
  "const unsigned char ${NAME}[] = {\n  ${bytes}\n};\nconst size_t ${NAME}_size = sizeof ${NAME};\n")

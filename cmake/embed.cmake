# embed.cmake: turn a text file into a C source holding it as a NUL-terminated string.
# Usage: cmake -DIN=file -DOUT=file.c -DNAME=symbol -P embed.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE "${OUT}" "/* generated from ${IN}: do not edit */\nconst char ${NAME}[] = {${bytes}0x00};\n")

# cmake -DTOOL=... -DARGS="a;b" -DOUT=file -P dump.cmake: runs TOOL ARGS with stdout to OUT,
# failing the build when the tool fails (add_custom_command has no portable redirection).
execute_process(COMMAND ${TOOL} ${ARGS} OUTPUT_FILE ${OUT} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${TOOL} ${ARGS} failed: ${status}")
endif()

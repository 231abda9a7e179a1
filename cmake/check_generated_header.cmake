# Runs a generator and compares its output with the committed file; with WSREPRO_UPDATE_GOLDEN=1
# in the environment, replaces the committed file instead (as the reporters' golden files).
# Called by ctest with -DGENERATOR= -DHEADER= -DWORK_FILE=
execute_process(COMMAND ${GENERATOR} ${WORK_FILE} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "${GENERATOR} failed: ${rc}")
endif()
if("$ENV{WSREPRO_UPDATE_GOLDEN}" STREQUAL "1")
  file(COPY_FILE ${WORK_FILE} ${HEADER})
  message(STATUS "updated ${HEADER}")
  return()
endif()
file(READ ${WORK_FILE} generated)
file(READ ${HEADER} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "${HEADER} is stale (a behaviour's parameters changed): regenerate it with "
                      "WSREPRO_UPDATE_GOLDEN=1 ctest -R mock.typed_params_header_is_current")
endif()

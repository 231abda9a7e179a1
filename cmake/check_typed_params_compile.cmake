# The point of wsrepro/mock/behaviours.hpp: a correct use compiles, a misspelt parameter does
# not, and the compiler names it. Called by ctest with -DCXX= -DINCLUDES= (| for ;) -DWORK_DIR=
string(REPLACE "|" ";" includes "${INCLUDES}")
set(flags -std=c++20 -fsyntax-only)
foreach(dir IN LISTS includes)
  list(APPEND flags -I${dir})
endforeach()
file(MAKE_DIRECTORY ${WORK_DIR})
file(WRITE ${WORK_DIR}/good.cpp "#include <wsrepro/mock/behaviours.hpp>
wsrepro::mock::typed_settings s = wsrepro::mock::behaviours::redirect{.status = 307, .then = \"close\"};
")
file(WRITE ${WORK_DIR}/misspelt.cpp "#include <wsrepro/mock/behaviours.hpp>
wsrepro::mock::typed_settings s = wsrepro::mock::behaviours::redirect{.stauts = 307};
")
execute_process(COMMAND ${CXX} ${flags} ${WORK_DIR}/good.cpp RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc)
  message(FATAL_ERROR "a correct use of the typed parameters does not compile:\n${err}")
endif()
execute_process(COMMAND ${CXX} ${flags} ${WORK_DIR}/misspelt.cpp RESULT_VARIABLE rc
                ERROR_VARIABLE err)
if(NOT rc)
  message(FATAL_ERROR "a misspelt parameter (.stauts) compiled")
endif()
if(NOT err MATCHES "stauts")
  message(FATAL_ERROR "the compiler's error does not name the misspelt parameter:\n${err}")
endif()

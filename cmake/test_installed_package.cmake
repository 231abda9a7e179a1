# Installs this build into a scratch prefix, then builds and runs examples/gtest_stall against
# it as a separate project would: `find_package(wsrepro)` and `wsrepro::mock`.
# Called by ctest with -DBUILD_DIR= -DSOURCE_DIR= -DWORK_DIR= -DCXX_FLAGS= -DLINKER_FLAGS=
#   -DEXPECTED_BEHAVIOURS= -DLAUNCHER= (the compiler launcher, | for ;)
file(REMOVE_RECURSE ${WORK_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
string(REPLACE "|" ";" launcher "${LAUNCHER}")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/gtest_stall -B ${WORK_DIR}/build -G Ninja
          -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
          "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" "-DEXPECTED_BEHAVIOURS=${EXPECTED_BEHAVIOURS}"
          "-DCMAKE_CXX_COMPILER_LAUNCHER=${launcher}"
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the example against the installed package failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the example failed")
endif()
execute_process(COMMAND ${WORK_DIR}/build/stall_test RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the example's tests failed")
endif()

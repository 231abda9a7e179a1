# Builds and runs examples/gtest_stall with wsrepro's sources pulled in by FetchContent (what
# add_subdirectory does too), as another project would, with CLI11, toml++ and nlohmann-json
# made unfindable: the library alone must need only Boost and OpenSSL.
# Called by ctest with -DSOURCE_DIR= -DWORK_DIR= -DCXX_FLAGS= -DLINKER_FLAGS= -DLAUNCHER=
file(REMOVE_RECURSE ${WORK_DIR})
string(REPLACE "|" ";" launcher "${LAUNCHER}")
execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/gtest_stall -B ${WORK_DIR} -G Ninja
          -DWSREPRO_SOURCE_DIR=${SOURCE_DIR} "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
          "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}" "-DCMAKE_CXX_COMPILER_LAUNCHER=${launcher}"
          -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON -DCMAKE_DISABLE_FIND_PACKAGE_tomlplusplus=ON
          -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring the example with wsrepro through FetchContent failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR} RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building the example with wsrepro through FetchContent failed")
endif()
foreach(target wsrepro wsrepro-shim wsrepro_harness)
  if(EXISTS ${WORK_DIR}/${target} OR EXISTS ${WORK_DIR}/_deps/wsrepro-build/${target})
    message(FATAL_ERROR "a subproject build made ${target}: only the library belongs there")
  endif()
endforeach()
execute_process(COMMAND ${WORK_DIR}/stall_test RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "the example's tests failed")
endif()

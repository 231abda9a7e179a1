#pragma once
// Where the tests and benchmarks find the sources, the build and the programs they run. The
// values come from a file CMake generates per build (wsrepro_test_paths.cpp), not from compile
// definitions: no test's compile command names a path, so ccache can share the objects between
// clones of the repository in different directories.

namespace wsrepro::test_paths {

const char* data_dir();        ///< the source tree: scenarios/, clients/, docs/
const char* libexec_dir();     ///< the build tree: wsrepro-shim and the reference clients
const char* golden_dir();      ///< the reporters' golden files
const char* wsrepro_binary();  ///< the wsrepro program
const char* hostile_client();  ///< the hostile-client test program (empty without tests)

}  // namespace wsrepro::test_paths

#define WSREPRO_TEST_DATA_DIR ::wsrepro::test_paths::data_dir()
#define WSREPRO_TEST_LIBEXEC_DIR ::wsrepro::test_paths::libexec_dir()
#define WSREPRO_GOLDEN_DIR ::wsrepro::test_paths::golden_dir()
#define WSREPRO_TEST_BINARY ::wsrepro::test_paths::wsrepro_binary()
#define WSREPRO_TEST_HOSTILE_CLIENT ::wsrepro::test_paths::hostile_client()
#define WSREPRO_BENCH_LIBEXEC_DIR ::wsrepro::test_paths::libexec_dir()

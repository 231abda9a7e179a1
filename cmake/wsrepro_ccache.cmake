# Compiles through ccache when it is there (WSREPRO_CCACHE, on by default), so a second build of
# the same sources, even in a fresh clone elsewhere, takes seconds per file instead of minutes.
# Paths are taken relative to the source tree (base_dir), and the precompiled headers are
# accepted (sloppiness pch_defines,time_macros, as ccache's manual asks); the cache is ccache's
# own (~/.cache/ccache, or $CCACHE_DIR).
if(WSREPRO_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  find_program(WSREPRO_CCACHE_PROGRAM ccache)
  if(WSREPRO_CCACHE_PROGRAM)
    set(CMAKE_CXX_COMPILER_LAUNCHER
        ${CMAKE_COMMAND} -E env "CCACHE_BASEDIR=${CMAKE_SOURCE_DIR}" CCACHE_NOHASHDIR=1
        "CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime"
        ${WSREPRO_CCACHE_PROGRAM})
    message(STATUS "Compiling through ${WSREPRO_CCACHE_PROGRAM}")
  endif()
endif()

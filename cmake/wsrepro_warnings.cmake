# Per-target warnings, never global flags: third-party headers stay quiet.
function(wsrepro_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion -Wnon-virtual-dtor
                                           # GCC 12 false positive on Asio's coroutine frames
                                           -Wno-mismatched-new-delete)
  if(CMAKE_CXX_FLAGS MATCHES "-fsanitize" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Sanitizer instrumentation makes GCC 12 report maybe-uninitialized inside libstdc++
    # (std::regex, std::function) that no plain build sees.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(WSREPRO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Asio and Beast dominate compile time; targets that include them share one precompiled header.
function(wsrepro_use_asio_pch target)
  if(WSREPRO_USE_PCH)
    target_precompile_headers(${target} PRIVATE <boost/asio.hpp> <boost/beast/core.hpp>
                              <boost/beast/http.hpp>)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      # Clang stamps its PCH with the time it was built, which ccache's manual asks to turn off.
      # Not enough on its own: the PCH also records the build tree's absolute paths, so a clone
      # in another directory still rebuilds the fuzz preset (about 110 s).
      target_compile_options(${target} PRIVATE "SHELL:-Xclang -fno-pch-timestamp")
    endif()
  endif()
endfunction()

# Standalone programs (the reference clients, the hostile test client and its test), which link
# none of wsrepro's libraries (the test paths aside): what they run takes microseconds, what
# they cost is compile time.
# Under the sanitizers (where the code under test builds at -O1) they build at -O0: the async
# reference client alone took five minutes of an ASan build at -O1, under two at -O0. Never for
# a program that links a wsrepro library: mixing -O0 and -O1 objects let an inline static
# (Asio's error category) be dynamically initialised in one and assumed constant-initialised in
# the other, which UBSan caught as a use before construction.
function(wsrepro_compile_fast target)
  if(CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    target_compile_options(${target} PRIVATE -O0)
  endif()
endfunction()

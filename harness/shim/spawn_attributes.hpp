#pragma once
// The spawn attributes of every process wsrepro starts for a client (the shim, and the shim's
// client): a process group of its own, every signal at its default disposition and an empty
// signal mask. posix_spawn otherwise passes on ignored signals and the mask: a shell's ignored
// SIGINT would leak into the client, and CPython, for one, then installs no Ctrl+C handler.
// Header-only and libc-only: the shim links nothing else.

#include <signal.h>
#include <spawn.h>

namespace wsrepro::harness {

/// Initialises `attr` (the caller destroys it).
inline void init_client_spawn_attributes(posix_spawnattr_t& attr) {
  posix_spawnattr_init(&attr);
  sigset_t all;
  sigfillset(&all);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
}

}  // namespace wsrepro::harness

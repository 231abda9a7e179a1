#ifndef WSREPRO_SHIM_SPAWN_ATTRIBUTES_H
#define WSREPRO_SHIM_SPAWN_ATTRIBUTES_H
/* The spawn attributes of every process wsrepro starts for a client (the shim, and the shim's
 * client): a process group of its own, every signal at its default disposition and an empty
 * signal mask. posix_spawn otherwise passes on ignored signals and the mask: a shell's ignored
 * SIGINT would leak into the client, and CPython, for one, then installs no Ctrl+C handler.
 * In C: the shim is built against a small libc (see shim.c). */

#include <signal.h>
#include <spawn.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Initialises `attr` (the caller destroys it). */
static inline void wsrepro_init_client_spawn_attributes(posix_spawnattr_t* attr) {
  sigset_t all;
  sigset_t none;
  posix_spawnattr_init(attr);
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(attr, &all);
  posix_spawnattr_setsigmask(attr, &none);
  posix_spawnattr_setpgroup(attr, 0);
  posix_spawnattr_setflags(attr,
                           POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
}

#ifdef __cplusplus
}
#endif

#endif

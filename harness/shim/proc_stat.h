#ifndef WSREPRO_SHIM_PROC_STAT_H
#define WSREPRO_SHIM_PROC_STAT_H
/* One line of /proc/PID/stat, parsed: the process's name, state and parent. In C, for the shim
 * (built against a small libc, see shim.c) and for the harness's process table alike. */

#include <stdio.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Parses `buf` (NUL-terminated) in place. The name is in parentheses and may itself hold
 * spaces or parentheses, so it ends at the last ')'. Returns 1 when it could, else 0; `comm`
 * then points into `buf` for `*comm_length` bytes. */
static inline int wsrepro_parse_proc_stat(char* buf, const char** comm, size_t* comm_length,
                                          char* state, int* ppid) {
  char* open = strchr(buf, '(');
  char* close = strrchr(buf, ')');
  if (open == NULL || close == NULL || close < open) return 0;
  *comm = open + 1;
  *comm_length = (size_t)(close - open - 1);
  return sscanf(close + 1, " %c %d", state, ppid) == 2;
}

#ifdef __cplusplus
}
#endif

#endif

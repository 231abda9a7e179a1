/* wsrepro-shim: one per run, between wsrepro and the client under test.
 *
 * Why a shim: the client's exit is timed by wsrepro through a pidfd, but someone must reap the
 * client and adopt whatever it leaves behind. The shim is a child subreaper, so orphans and
 * daemonised grandchildren are reparented to it (and so traced to their run even with parallel
 * runs), it reaps the client by pid only (never stealing another run's exit status), and it
 * kills the whole tree at the end, or as soon as wsrepro goes away (its control socket hits
 * EOF), so no client outlives wsrepro.
 *
 * Why C, linked statically against musl where musl-gcc is installed: it starts once per run,
 * and glibc's start-up alone (its CPU feature and cache probe, CPUID instructions a virtual
 * machine traps) took 1.1 ms of CPU per start, against 0.2 ms with musl.
 *
 * Usage: wsrepro-shim CONTROL_FD [--pty PATH] -- PROGRAM ARGS...  (stdin/stdout/stderr are the
 * client's). Protocol on CONTROL_FD, one line each:
 *   shim -> wsrepro: "spawned PID T_NS" | "spawn_error ERRNO T_NS" | "exited PID WSTATUS T_NS"
 *                    | "leak PID COMMAND" ... "tree_done"
 *   wsrepro -> shim: "go" (wsrepro holds a pidfd: the client may be reaped) | "kill"
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc_stat.h"
#include "spawn_attributes.h"

extern char** environ;

static int control_fd = -1;

static long long now_ns(void) {
  struct timespec ts = {0, 0};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Writes one line (a newline is added); a vanished wsrepro is left to the EOF path. */
static void send_line(const char* line) {
  char out[1024];
  const int length = snprintf(out, sizeof out, "%s\n", line);
  size_t left = length < 0 ? 0 : (size_t)length < sizeof out ? (size_t)length : sizeof out - 1;
  const char* p = out;
  if (left > 0 && out[left - 1] != '\n') out[left - 1] = '\n';  /* cut short, still a line */
  while (left > 0) {
    const ssize_t n = write(control_fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    p += n;
    left -= (size_t)n;
  }
}

/* True when the kernel says this shim has no children at all. As a child subreaper the shim
 * inherits every orphaned descendant, so no children means no descendants, and the /proc scan
 * (a few milliseconds per run) can be skipped. False when it cannot tell. */
static int surely_childless(void) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
  FILE* file = fopen(path, "re");
  if (file == NULL) return 0;
  char first = 0;
  const size_t got = fread(&first, 1, 1, file);
  fclose(file);
  return got == 0;
}

struct process {
  int pid;
  int ppid;
  char state;
  char comm[64];
};

/* Every process in /proc (pid, parent, state, name); the caller frees. */
static struct process* scan_processes(size_t* count) {
  *count = 0;
  size_t capacity = 256;
  struct process* procs = malloc(capacity * sizeof *procs);
  DIR* dir = opendir("/proc");
  if (procs == NULL || dir == NULL) {
    if (dir != NULL) closedir(dir);
    return procs;
  }
  struct dirent* entry;
  while ((entry = readdir(dir)) != NULL) {
    char* end = NULL;
    const long pid = strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE* f = fopen(path, "re");
    if (f == NULL) continue;
    char buf[1024];
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    struct process p = {(int)pid, 0, '?', ""};
    const char* comm = NULL;
    size_t comm_length = 0;
    if (!wsrepro_parse_proc_stat(buf, &comm, &comm_length, &p.state, &p.ppid)) continue;
    if (comm_length >= sizeof p.comm) comm_length = sizeof p.comm - 1;
    memcpy(p.comm, comm, comm_length);
    p.comm[comm_length] = '\0';
    if (*count == capacity) {
      struct process* bigger = realloc(procs, 2 * capacity * sizeof *procs);
      if (bigger == NULL) break;
      procs = bigger;
      capacity *= 2;
    }
    procs[(*count)++] = p;
  }
  closedir(dir);
  return procs;
}

static int by_pid(const void* a, const void* b) {
  const int x = ((const struct process*)a)->pid;
  const int y = ((const struct process*)b)->pid;
  return (x > y) - (x < y);
}

/* Marks in `mine` every process descended from this shim: each one's chain of parents, looked
 * up in `procs` sorted by pid, reaches the shim. */
static void mark_descendants(struct process* procs, size_t count, char* mine) {
  const int self = (int)getpid();
  qsort(procs, count, sizeof *procs, by_pid);
  for (size_t i = 0; i < count; ++i) {
    const struct process* p = &procs[i];
    for (int depth = 0; p != NULL && depth < 256; ++depth) {
      if (p->ppid == self) {
        mine[i] = 1;
        break;
      }
      const struct process key = {p->ppid, 0, '?', ""};
      p = p->ppid > 1 ? bsearch(&key, procs, count, sizeof *procs, by_pid) : NULL;
    }
  }
}

/* The command line with its NULs as spaces (at most about 300 bytes), or `fallback`. */
static void command_line(int pid, const char* fallback, char* out, size_t size) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
  FILE* f = fopen(path, "re");
  size_t n = 0;
  if (f != NULL) {
    n = fread(out, 1, size - 1 < 300 ? size - 1 : 300, f);
    fclose(f);
  }
  for (size_t i = 0; i < n; ++i) {
    if (out[i] == '\0') out[i] = ' ';
  }
  while (n > 0 && out[n - 1] == ' ') --n;
  out[n] = '\0';
  if (n == 0) snprintf(out, size, "%s", fallback);
}

static void reap_all(void) {
  int status = 0;
  while (waitpid(-1, &status, WNOHANG) > 0) {
  }
}

static void pause_ms(long ms) {
  const struct timespec pause = {0, ms * 1000000L};
  nanosleep(&pause, NULL);
}

/* Kills the live (not zombie) descendants, reporting them first when `report`; returns how
 * many there were. */
static size_t kill_live_descendants(int report) {
  if (surely_childless()) return 0;
  size_t count = 0;
  struct process* procs = scan_processes(&count);
  char* mine = calloc(count + 1, 1);
  size_t alive = 0;
  if (procs != NULL && mine != NULL) {
    mark_descendants(procs, count, mine);
    for (size_t i = 0; i < count; ++i) {
      if (!mine[i] || procs[i].state == 'Z' || procs[i].state == 'X') continue;
      ++alive;
      if (report) {
        char cmd[320];
        char line[400];
        command_line(procs[i].pid, procs[i].comm, cmd, sizeof cmd);
        snprintf(line, sizeof line, "leak %d %s", procs[i].pid, cmd);
        send_line(line);
      }
      kill(procs[i].pid, SIGKILL);
    }
  }
  free(mine);
  free(procs);
  return alive;
}

/* Kills every descendant, reporting the ones alive at the first scan; bounded to ~2 s. */
static void kill_tree(int report) {
  /* A descendant already on its way out (it got the same group signal as the client, a moment
   * later) is not a leak: give the tree a brief moment to finish on its own first. */
  for (int attempt = 0; report && attempt < 20 && !surely_childless(); ++attempt) {
    reap_all();
    if (surely_childless()) break;
    pause_ms(2);
  }
  for (int attempt = 0; attempt < 400; ++attempt) {
    const size_t alive = kill_live_descendants(report && attempt == 0);
    if (alive == 0) break;
    reap_all();
    pause_ms(5);
    reap_all();
  }
  reap_all();
  if (report) send_line("tree_done");
}

int main(int argc, char** argv) {
  int first = 2;
  const char* pty_path = NULL;
  if (argc > 4 && strcmp(argv[2], "--pty") == 0) {
    pty_path = argv[3];
    first = 4;
  }
  if (argc < first + 2 || strcmp(argv[first], "--") != 0) {
    fprintf(stderr, "usage: wsrepro-shim CONTROL_FD [--pty PATH] -- PROGRAM ARGS...\n");
    return 2;
  }
  char** client_argv = argv + first + 1;
  control_fd = atoi(argv[1]);
  /* Nothing but stdio and the control socket may reach the client, nor stay open here: a
   * descriptor inherited from wsrepro (another run's socket, an open report) would keep that
   * connection alive or let the client write where it must not. wsrepro spawns the shim with
   * only these, but the shim does not rely on its parent for that. */
  if (control_fd != 3) {
    if (dup2(control_fd, 3) < 0) return 2;
    control_fd = 3;
  }
  syscall(SYS_close_range, 4U, ~0U, 0U);
  /* The control socket is close-on-exec, so the client starts with fds 0, 1 and 2 only. */
  fcntl(control_fd, F_SETFD, FD_CLOEXEC);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  /* Signals meant for the client must not take the shim down first. */
  const int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
  for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; ++i) signal(ignored[i], SIG_IGN);

  /* The client: its own process group, every signal at its default, an empty signal mask. */
  posix_spawnattr_t attr;
  wsrepro_init_client_spawn_attributes(&attr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (pty_path != NULL) {
    /* A terminal needs a session of its own: the client leads a new session (and so its own
     * process group, which SETPGROUP cannot be combined with), and opening the terminal without
     * O_NOCTTY makes it the controlling one, with the client's group in the foreground. */
    short flags = 0;
    posix_spawnattr_getflags(&attr, &flags);
    flags = (short)((flags & ~POSIX_SPAWN_SETPGROUP) | POSIX_SPAWN_SETSID);
    posix_spawnattr_setflags(&attr, flags);
    posix_spawn_file_actions_addclose(&actions, 0);
    posix_spawn_file_actions_addopen(&actions, 0, pty_path, O_RDWR, 0);
  }
  pid_t client = 0;
  const long long spawn_t = now_ns();
  const int rc = posix_spawnp(&client, client_argv[0], &actions, &attr, client_argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  char line[128];
  if (rc != 0) {
    snprintf(line, sizeof line, "spawn_error %d %lld", rc, spawn_t);
    send_line(line);
    return 1;
  }
  snprintf(line, sizeof line, "spawned %d %lld", (int)client, spawn_t);
  send_line(line);
  /* The client's stdio belongs to it alone now. */
  const int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  dup2(devnull, 0);
  dup2(devnull, 1);
  dup2(devnull, 2);

  const int pidfd = (int)syscall(SYS_pidfd_open, client, 0);
  int go = 0;
  int client_reaped = 0;
  char pending[512];
  size_t pending_length = 0;
  for (;;) {
    struct pollfd fds[2] = {{control_fd, POLLIN, 0}, {pidfd, POLLIN, 0}};
    const nfds_t count = (go && !client_reaped && pidfd >= 0) ? 2 : 1;
    /* Without a pidfd (old kernel), poll the client's state every 10 ms. */
    const int timeout_ms = (pidfd < 0 && go && !client_reaped) ? 10 : -1;
    const int n = poll(fds, count, timeout_ms);
    if (n < 0 && errno != EINTR) break;

    if (go && !client_reaped) {
      int status = 0;
      if (waitpid(client, &status, WNOHANG) == client) {
        client_reaped = 1;
        snprintf(line, sizeof line, "exited %d %d %lld", (int)client, status, now_ns());
        send_line(line);
      }
    }
    if (n > 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      const ssize_t got =
          read(control_fd, pending + pending_length, sizeof pending - 1 - pending_length);
      if (got <= 0) { /* wsrepro is gone: nothing may outlive it */
        kill_tree(0);
        return 0;
      }
      pending_length += (size_t)got;
      pending[pending_length] = '\0';
      char* eol;
      while ((eol = strchr(pending, '\n')) != NULL) {
        *eol = '\0';
        if (strcmp(pending, "go") == 0) {
          go = 1;
        } else if (strcmp(pending, "kill") == 0) {
          kill_tree(1);
          return 0;
        }
        const size_t used = (size_t)(eol + 1 - pending);
        memmove(pending, eol + 1, pending_length - used + 1);
        pending_length -= used;
      }
      /* A line longer than the buffer is no command wsrepro sends: drop it. */
      if (pending_length == sizeof pending - 1) pending_length = 0;
    }
  }
  kill_tree(0);
  return 0;
}

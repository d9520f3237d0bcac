/* spawn.h - running a shell command per event without ever blocking the event loop.
 * Each run is /bin/sh -c CMD in its own process group, with extra environment variables and a
 * payload on its stdin (written through a non-blocking pipe; a command that does not read it is
 * fine). Exits are collected on SIGCHLD (libevent's evsignal) with waitpid(WNOHANG) for the
 * children started here only; a run still going after the timeout has its whole process group
 * killed. At most `max_running` at once: more are refused and counted by the caller.
 * Shell code: forks, owns pipes, a signal event and timers. */
#ifndef BLIP_SPAWN_H
#define BLIP_SPAWN_H
#include <stddef.h>

struct event_base;
struct spawn;

#define SPAWN_RUNNING_MAX 16 /* runs at once before more are refused */

enum spawn_result {
    SPAWN_OK,      /* exit status 0 */
    SPAWN_EXIT,    /* exit status not 0 (code); 127: the shell or the command was not found */
    SPAWN_SIGNAL,  /* killed by signal `code` */
    SPAWN_TIMEOUT, /* still running after the timeout: killed */
};

/* Called once per run when it has ended. */
typedef void spawn_done_fn(enum spawn_result r, int code, void *arg);

/* Runs of cmd (copied) on base; each is killed after timeout_s. done gets every outcome. */
struct spawn *spawn_new(struct event_base *base, const char *cmd, double timeout_s,
                        spawn_done_fn *done, void *arg);
/* Kills (SIGKILL, whole group) and reaps the runs still going, then frees; accepts NULL.
 * Returns how many were still running. */
size_t spawn_free(struct spawn *s);

/* Starts a run with env (NULL-terminated "NAME=value" list, added to the program's own
 * environment, replacing same-named variables) and input[0..len) on stdin (copied).
 * Returns 0, or -1 with the reason in err (too many running, or fork/pipe failed). */
int spawn_run(struct spawn *s, const char *const *env, const char *input, size_t len, char *err,
              size_t errlen);

size_t spawn_running(const struct spawn *s);
#endif

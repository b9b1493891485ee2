/*
 * lb-spawn: the process launcher of a labbook worker.
 *
 * Node forks its whole (large) address space for every child; this small process forks
 * cheaply, so a worker that runs thousands of short commands is not bound by spawn cost.
 * It holds the runs handed to it ahead and starts each as soon as a slot frees, without
 * waiting for the worker, and it carries every run's fd 3 (the run protocol) over its own
 * pipes, so a run costs the worker no connection of its own.
 *
 * It also guards the runs, so that no run outlives the worker that started it by more than
 * about a second, whichever of them dies, even by SIGKILL:
 *  - the worker: our stdin reaches end-of-file, and we kill every run's process group
 *    (SIGTERM, then SIGKILL after STOP_GRACE_MS) before exiting;
 *  - the worker's whole process group (kill -- -PGID, a batch system's job kill): we leave
 *    that group at start, so we live on to do the above;
 *  - this launcher: each run's leader has PR_SET_PDEATHSIG(SIGKILL), and the worker, which
 *    sees us go, kills the runs' groups (what the leaders started goes with them).
 *
 * Usage: lb-spawn MAX_RUNNING
 * Every run starts from lb-spawn's own environment (the worker's), plus the variables of
 * its request. At most MAX_RUNNING runs execute at once; the others wait, in the order sent.
 *
 * Requests on stdin, one per frame: "<length>\n" then <length> bytes of NUL-terminated fields:
 *   spawn ID CWD STDOUT_PATH STDERR_PATH ARGC ARG... ENVC ENV...
 *   cancel ID     a run that has not started is dropped ("cancelled ID"); a started one goes on
 *   send ID BYTES BYTES (the rest of the frame, without its last NUL) are written to its fd 3
 *   hangup ID     closes our end of its fd 3 ("closed ID")
 * Each run gets its own session (setsid), /dev/null as stdin, the directory of its output
 * files created if missing (the run directory; doing it in the child keeps the syscall off the
 * worker's event loop), and, as stdout, stderr and fd 3, pipes and a Unix stream socket whose
 * other ends are ours. What it writes to stdout and stderr is appended to the two files, each
 * made when the run first writes there; all of it is there before its "exited". When a run
 * ends, what is left in its group is killed and its directory removed if nothing is in it: a
 * run that wrote nothing leaves nothing behind (the directory is there while it runs, for a
 * command that writes into {run_dir}). Removing and making directories is the costliest part
 * of a short run, so up to SPARE_LIMIT empty ones are kept aside (renamed .lb-spare-PID-N, next
 * to the run directories) and renamed into place for the next runs; they go when we exit.
 *
 * Replies on stdout: lines, and the frames of what runs write to fd 3:
 *   started ID PID | error ID ERRNO | cancelled ID
 *   exited ID CODE SIGNAL CLOSED   CLOSED is 1 when its fd 3 is closed too (all it sent came before)
 *   closed ID                      its fd 3 closed after it exited (a process outside its group held it)
 *   data ID LENGTH                 followed by LENGTH bytes the run wrote to fd 3
 * in the order they happened. While MAX_RUNNING runs or more wait here, "started" and "exited"
 * lines may be held up to REPLY_HOLD_US and sent together (see send_replies); any other reply
 * goes at once, with those held before it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long runs get to end after SIGTERM when the worker is gone, before SIGKILL. */
#define STOP_GRACE_MS 500
/* Empty run directories kept to be renamed into place, instead of removed and made again. */
#define SPARE_LIMIT 8
/* A run's stdout and stderr: the pipe we read, and the file it goes to (made at its first bytes). */
enum { OUT, ERR };
/* While this much is waiting to go to the worker, runs' fd 3 is not read (they wait, as on a full socket). */
#define TO_WORKER_LIMIT (1 << 20)
/* While runs wait here for a slot, "started" and "exited" lines are held up to this long and sent
 * together: each write wakes the worker, and the runs waiting here need nothing from it meanwhile. */
#define REPLY_HOLD_US 5000

struct buffer {
  char *data;
  size_t length, capacity;
};

enum run_state { QUEUED, RUNNING, EXITED };

struct run {
  enum run_state state;
  pid_t pid;
  char id[32];
  /* The spawn frame, owned; the fields below point into it. */
  char *request;
  const char *cwd, *stdout_path, *stderr_path;
  char **argv, **env;
  /* Our end of its fd 3; -1 once closed. */
  int channel;
  /* Our ends of its stdout and stderr pipes (-1 once closed), and their files (-1 until written). */
  int output[2], file[2];
  struct buffer to_run;
};

static struct run **runs; /* in the order they were sent */
static size_t run_count, run_capacity, max_running;
/* Runs RUNNING. */
static size_t running;
static struct buffer to_worker;
/* Since when replies are held (0: none is), and whether one that must go at once is among them. */
static long long held_since_us;
static int reply_urgent;
static int wake_pipe[2];
static char *spares[SPARE_LIMIT];
static size_t spare_count;
static unsigned spare_serial;
static pid_t launcher_pid;
/* Every run's stdin. */
static int dev_null;

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t ignored = write(wake_pipe[1], "c", 1);
  (void)ignored;
  errno = saved;
}

static void append(struct buffer *buffer, const void *bytes, size_t length) {
  if (buffer->length + length > buffer->capacity) {
    while (buffer->length + length > buffer->capacity) buffer->capacity = buffer->capacity ? buffer->capacity * 2 : 4096;
    buffer->data = realloc(buffer->data, buffer->capacity);
    if (!buffer->data) abort();
  }
  memcpy(buffer->data + buffer->length, bytes, length);
  buffer->length += length;
}

/* Writes what `fd` takes now (it is non-blocking); false when it is gone. */
static int write_some(int fd, struct buffer *buffer) {
  size_t done = 0;
  while (done < buffer->length) {
    ssize_t n = write(fd, buffer->data + done, buffer->length - done);
    if (n > 0) done += (size_t)n;
    else if (n < 0 && errno == EINTR) continue;
    else break;
  }
  int gone = done < buffer->length && errno != EAGAIN;
  memmove(buffer->data, buffer->data + done, buffer->length - done);
  buffer->length -= done;
  return !gone;
}

static void reply(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *format, ...) {
  char line[128];
  va_list args;
  va_start(args, format);
  int length = vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (strncmp(line, "started ", 8) != 0 && strncmp(line, "exited ", 7) != 0) reply_urgent = 1;
  append(&to_worker, line, (size_t)length < sizeof line ? (size_t)length : sizeof line - 1);
}

static struct run *find(const char *id) {
  for (size_t i = 0; i < run_count; i++)
    if (strcmp(runs[i]->id, id) == 0) return runs[i];
  return NULL;
}

static void forget(size_t index) {
  struct run *run = runs[index];
  free(run->request);
  free(run->argv);
  free(run->env);
  free(run->to_run.data);
  free(run);
  memmove(runs + index, runs + index + 1, (run_count - index - 1) * sizeof *runs);
  run_count--;
}

/* The directory of an output file (the run directory) into `directory`; 0 when it has none. */
static int run_directory_of(const char *path, char *directory, size_t size) {
  snprintf(directory, size, "%s", path);
  char *slash = strrchr(directory, '/');
  if (!slash || slash == directory) return 0;
  *slash = '\0';
  return 1;
}

/* Whether a directory holds nothing (false when it cannot be read). */
static int is_empty(const char *directory) {
  int fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return 0;
  char entries[1024];
  long n = syscall(SYS_getdents64, fd, entries, sizeof entries);
  close(fd);
  for (long at = 0; at < n;) {
    const char *name = entries + at + 19; /* struct linux_dirent64: ino 8, off 8, reclen 2, type 1, name */
    unsigned short length;
    memcpy(&length, entries + at + 16, sizeof length);
    if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0) return 0;
    at += length;
  }
  return n >= 0;
}

/* The run's directory, from a spare when there is one (the child makes it otherwise). */
static void take_spare_directory(const struct run *run) {
  char directory[4096];
  if (spare_count == 0 || !run_directory_of(run->stdout_path, directory, sizeof directory)) return;
  char *spare = spares[--spare_count];
  if (!is_empty(spare)) { /* something wrote there after it was set aside: it is left as it is */
    free(spare);
    return;
  }
  if (rename(spare, directory) == 0) free(spare); /* an empty directory of that name is replaced */
  else spares[spare_count++] = spare; /* the run's directory holds files of an earlier attempt */
}

/* The run directory, when the run left nothing in it: set aside as a spare (nothing holds its
 * fds any more), else removed (rmdir fails, as it should, when the run left anything there).
 * Before "exited" or "error" is sent: the worker reads the stderr tail after that. */
static void remove_directory_if_empty(const struct run *run) {
  char directory[4096];
  if (!run_directory_of(run->stdout_path, directory, sizeof directory)) return;
  int settled = run->channel < 0 && run->output[OUT] < 0 && run->output[ERR] < 0;
  if (spare_count < SPARE_LIMIT && settled && run->file[OUT] < 0 && run->file[ERR] < 0 && is_empty(directory)) {
    char spare[4200];
    const char *slash = strrchr(directory, '/');
    snprintf(spare, sizeof spare, "%.*s/.lb-spare-%d-%u", (int)(slash - directory), directory, (int)launcher_pid, spare_serial++);
    if (rename(directory, spare) == 0) {
      spares[spare_count] = strdup(spare);
      if (!spares[spare_count]) abort();
      spare_count++;
      return;
    }
  }
  rmdir(directory);
}

/* Appends what the run wrote to its output file, made (with its directory) at the first bytes. */
static void append_output(struct run *run, int which, const char *bytes, size_t length) {
  const char *path = which == OUT ? run->stdout_path : run->stderr_path;
  if (run->file[which] < 0) {
    run->file[which] = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    char directory[4096];
    if (run->file[which] < 0 && errno == ENOENT && run_directory_of(path, directory, sizeof directory) && mkdir(directory, 0777) == 0)
      run->file[which] = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (run->file[which] < 0) return; /* nowhere to keep it (the store went away): dropped, as on a full disk */
  }
  for (size_t done = 0; done < length;) {
    ssize_t n = write(run->file[which], bytes + done, length - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += (size_t)n;
  }
}

/* Moves what is in a run's stdout or stderr pipe to its file; at end of file, closes both. */
static void read_output(struct run *run, int which) {
  char chunk[65536];
  while (run->output[which] >= 0) {
    ssize_t n = read(run->output[which], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) {
      close(run->output[which]);
      run->output[which] = -1;
      if (run->file[which] >= 0) close(run->file[which]);
      run->file[which] = -1;
      return;
    }
    append_output(run, which, chunk, (size_t)n);
  }
}

static void close_channel(struct run *run) {
  close(run->channel);
  run->channel = -1;
  run->to_run.length = 0;
}

/* Passes on what the run wrote to fd 3: while the worker keeps up, or all of it (`drain`). */
static void read_channel(struct run *run, int drain) {
  char chunk[65536];
  while (run->channel >= 0 && (drain || to_worker.length < TO_WORKER_LIMIT)) {
    ssize_t n = read(run->channel, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    if (n <= 0) { /* end of file, or a reset: the run's side is closed */
      close_channel(run);
      if (run->state == EXITED) reply("closed %s\n", run->id);
      return;
    }
    reply("data %s %zd\n", run->id, n);
    append(&to_worker, chunk, (size_t)n);
  }
}

/* Ended runs: their group goes (killed while the leader is a zombie, so its id cannot be
 * reused yet), their outputs are tidied, what they sent is passed on, then their status. */
static void reap(void) {
  for (;;) {
    siginfo_t info;
    info.si_pid = 0;
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid == 0) return;
    pid_t pid = info.si_pid;
    struct run *run = NULL;
    for (size_t i = 0; i < run_count && !run; i++)
      if (runs[i]->state == RUNNING && runs[i]->pid == pid) run = runs[i];
    kill(-pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!run) continue;
    read_channel(run, 1); /* while it is RUNNING: an end of file here is said by "exited" */
    read_output(run, OUT);
    read_output(run, ERR);
    run->state = EXITED;
    running--;
    remove_directory_if_empty(run);
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    reply("exited %s %d %d %d\n", run->id, code, sig, run->channel < 0);
  }
}

/* The signals lb-spawn handles or ignores: a run gets them at their defaults. */
static const int HANDLED_SIGNALS[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGPIPE, SIGCHLD};

/* A run's environment: ours (the worker's), with the run's own variables added or replacing
 * ours of the same name. The strings are ours and the run's; the array is to be freed. */
static char **run_environment(const struct run *run) {
  size_t ours = 0, own = 0;
  while (environ[ours]) ours++;
  while (run->env[own]) own++;
  char **envp = calloc(ours + own + 1, sizeof *envp);
  if (!envp) abort();
  size_t count = 0;
  for (size_t i = 0; i < ours; i++) {
    const char *equals = strchr(environ[i], '=');
    size_t name_length = equals ? (size_t)(equals - environ[i]) + 1 : strlen(environ[i]);
    int replaced = 0;
    for (size_t j = 0; j < own && !replaced; j++) replaced = strncmp(run->env[j], environ[i], name_length) == 0;
    if (!replaced) envp[count++] = environ[i];
  }
  for (size_t j = 0; j < own; j++) envp[count++] = run->env[j];
  return envp;
}

/*
 * In the child of vfork: it shares our memory until it execs, so it only makes system calls
 * (no allocation, no global but `*error`), with arguments made before. On failure it leaves
 * errno in `*error` and exits; we read it when vfork returns.
 */
static void become_run(volatile int *error, const struct run *run, char **envp, const char *directory, int channel_fd,
                       const int output_fd[2]) {
  struct sigaction default_action = {.sa_handler = SIG_DFL};
  for (size_t i = 0; i < sizeof HANDLED_SIGNALS / sizeof *HANDLED_SIGNALS; i++) sigaction(HANDLED_SIGNALS[i], &default_action, NULL);
  sigset_t none;
  sigemptyset(&none);
  /* Dies with the launcher, even if it is killed before it could kill us (then the worker kills the rest of our group). */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != launcher_pid) goto fail;
  setsid();
  if (directory && mkdir(directory, 0777) < 0 && errno != EEXIST) goto fail;
  if (chdir(run->cwd) < 0) goto fail;
  /* dup2 clears close-on-exec on the copies (fds 0-2 are ours, so none of these is one of them). */
  if (dup2(dev_null, 0) < 0 || dup2(output_fd[OUT], 1) < 0 || dup2(output_fd[ERR], 2) < 0) goto fail;
  if (channel_fd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(channel_fd, 3) < 0) goto fail;
  /* Signals were blocked around vfork (no handler of ours may run in the child): a run starts with none blocked. */
  sigprocmask(SIG_SETMASK, &none, NULL);
  execvpe(run->argv[0], run->argv, envp); /* looked up in our PATH (a run's own variables never set it) */
fail:
  *error = errno;
  _exit(127);
}

/*
 * Starts a queued run (RUNNING, "started"); false when it could not be (its "error" is sent, it
 * is to be forgotten). vfork: the child borrows our memory until it execs, so a start copies no
 * page tables and we know at once whether the exec worked.
 */
static int start(struct run *run) {
  take_spare_directory(run);
  int channel[2], out[2], err[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) < 0) {
    reply("error %s %d\n", run->id, errno);
    return 0;
  }
  int made = pipe2(out, O_CLOEXEC) == 0 ? 1 : 0;
  made += made == 1 && pipe2(err, O_CLOEXEC) == 0;
  char directory[4096];
  int has_directory = run_directory_of(run->stdout_path, directory, sizeof directory);
  char **envp = run_environment(run);
  volatile int child_error = 0;
  sigset_t all, before;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &before);
  pid_t pid = made == 2 ? vfork() : -1;
  if (pid == 0) become_run(&child_error, run, envp, has_directory ? directory : NULL, channel[1], (const int[2]){out[1], err[1]});
  int error = pid < 0 ? errno : child_error;
  sigprocmask(SIG_SETMASK, &before, NULL);
  free(envp);
  close(channel[1]);
  if (made > 0) close(out[1]);
  if (made > 1) close(err[1]);
  if (pid > 0 && error) while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
  if (pid < 0 || error) {
    if (pid > 0 && has_directory) rmdir(directory); /* the run never was: nothing of it is kept, not even as a spare */
    close(channel[0]);
    if (made > 0) close(out[0]);
    if (made > 1) close(err[0]);
    reply("error %s %d\n", run->id, error);
    return 0;
  }
  fcntl(channel[0], F_SETFL, O_NONBLOCK);
  fcntl(out[0], F_SETFL, O_NONBLOCK);
  fcntl(err[0], F_SETFL, O_NONBLOCK);
  run->channel = channel[0];
  run->output[OUT] = out[0];
  run->output[ERR] = err[0];
  run->pid = pid;
  run->state = RUNNING;
  running++;
  reply("started %s %d\n", run->id, (int)pid);
  return 1;
}

static void start_queued(void) {
  for (size_t i = 0; i < run_count && running < max_running;) {
    if (runs[i]->state != QUEUED || start(runs[i])) i++;
    else forget(i);
  }
}

/* spawn ID CWD STDOUT STDERR ARGC ARG... ENVC ENV...: queued (the frame is kept; fields point into it). */
static void queue_run(char *frame, char **fields, size_t count) {
  const char *id = fields[1];
  size_t argc = count > 6 ? strtoul(fields[5], NULL, 10) : 0;
  size_t envc = argc > 0 && 6 + argc < count ? strtoul(fields[6 + argc], NULL, 10) : 0;
  if (argc == 0 || 6 + argc >= count || 7 + argc + envc > count || strlen(id) >= sizeof runs[0]->id) {
    reply("error %.31s %d\n", id, EINVAL);
    free(frame);
    return;
  }
  struct run *run = calloc(1, sizeof *run);
  char **argv = calloc(argc + 1, sizeof *argv);
  char **env = calloc(envc + 1, sizeof *env);
  if (!run || !argv || !env) abort();
  for (size_t i = 0; i < argc; i++) argv[i] = fields[6 + i];
  for (size_t i = 0; i < envc; i++) env[i] = fields[7 + argc + i];
  snprintf(run->id, sizeof run->id, "%s", id);
  run->request = frame;
  run->cwd = fields[2];
  run->stdout_path = fields[3];
  run->stderr_path = fields[4];
  run->argv = argv;
  run->env = env;
  run->channel = -1;
  run->output[OUT] = run->output[ERR] = run->file[OUT] = run->file[ERR] = -1;
  if (run_count == run_capacity) {
    run_capacity = run_capacity ? run_capacity * 2 : 16;
    runs = realloc(runs, run_capacity * sizeof *runs);
    if (!runs) abort();
  }
  runs[run_count++] = run;
}

/* A frame is NUL-terminated fields; its last byte is a NUL. `frame` is ours to keep or free. */
static void handle_frame(char *frame, size_t length) {
  if (length == 0 || frame[length - 1] != '\0') {
    free(frame);
    return;
  }
  size_t count = 0;
  for (size_t i = 0; i < length; i++) count += frame[i] == '\0';
  char **fields = calloc(count, sizeof *fields);
  if (!fields) abort();
  for (size_t start = 0, i = 0; start < length; i++) {
    fields[i] = frame + start;
    start += strlen(frame + start) + 1;
  }
  if (strcmp(fields[0], "spawn") == 0) {
    queue_run(frame, fields, count);
    free(fields);
    return;
  }
  struct run *run = count >= 2 ? find(fields[1]) : NULL;
  if (!run) {
    /* it ended or was cancelled meanwhile: nothing to do */
  } else if (strcmp(fields[0], "cancel") == 0 && run->state == QUEUED) {
    reply("cancelled %s\n", run->id);
    for (size_t i = 0; i < run_count; i++)
      if (runs[i] == run) {
        forget(i);
        break;
      }
  } else if (strcmp(fields[0], "send") == 0 && run->channel >= 0) {
    size_t skip = (size_t)(fields[1] - frame) + strlen(fields[1]) + 1;
    append(&run->to_run, frame + skip, length - 1 - skip);
    if (!write_some(run->channel, &run->to_run)) run->to_run.length = 0; /* it closed its side: the read says so */
  } else if (strcmp(fields[0], "hangup") == 0 && run->channel >= 0) {
    close_channel(run);
    if (run->state == EXITED) reply("closed %s\n", run->id);
  }
  free(fields);
  free(frame);
}

static long long monotonic_us(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static long long monotonic_ms(void) {
  return monotonic_us() / 1000;
}

/* The worker is gone: stop every run's process group, politely first. A group outlives its
 * leader, so each gets SIGKILL at the end, also when its leader ended within the grace. */
static void stop_all_and_exit(void) {
  size_t count = 0;
  pid_t *groups = calloc(run_count ? run_count : 1, sizeof *groups);
  if (!groups) abort();
  for (size_t i = 0; i < run_count; i++) {
    if (runs[i]->state != RUNNING) continue;
    groups[count] = runs[i]->pid;
    kill(-groups[count++], SIGTERM);
  }
  long long deadline = monotonic_ms() + STOP_GRACE_MS;
  for (long long left; running > 0 && (left = deadline - monotonic_ms()) > 0;) {
    struct pollfd wake = {.fd = wake_pipe[0], .events = POLLIN};
    if (poll(&wake, 1, (int)left) > 0) {
      char drain[64];
      while (read(wake_pipe[0], drain, sizeof drain) > 0) {}
    }
    reap();
  }
  for (size_t i = 0; i < count; i++) kill(-groups[i], SIGKILL);
  for (size_t i = 0; i < run_count; i++) { /* what they wrote before, kept */
    read_output(runs[i], OUT);
    read_output(runs[i], ERR);
  }
  while (spare_count > 0) rmdir(spares[--spare_count]);
  exit(0);
}

/* Reads what the worker sent and handles each complete frame. */
static void read_requests(void) {
  static char *buffer;
  static size_t capacity, used;
  if (used == capacity) {
    capacity = capacity ? capacity * 2 : 1 << 16;
    buffer = realloc(buffer, capacity);
    if (!buffer) abort();
  }
  ssize_t n = read(0, buffer + used, capacity - used);
  if (n < 0 && errno == EINTR) return;
  if (n <= 0) stop_all_and_exit();
  used += (size_t)n;
  size_t at = 0;
  for (char *newline; (newline = memchr(buffer + at, '\n', used - at));) {
    size_t header = (size_t)(newline - (buffer + at)) + 1;
    size_t length = strtoul(buffer + at, NULL, 10);
    if (used - at < header + length) break;
    char *frame = malloc(length ? length : 1);
    if (!frame) abort();
    memcpy(frame, buffer + at + header, length);
    handle_frame(frame, length);
    at += header + length;
  }
  memmove(buffer, buffer + at, used - at);
  used -= at;
}

/*
 * Sends the replies when they are due: at once, unless all are "started" and "exited" lines and
 * at least MAX_RUNNING runs wait here (the worker then has nothing to hand over soon), up to
 * REPLY_HOLD_US. Returns how long they may still wait, in ms (-1: they went, or are going).
 */
static int send_replies(void) {
  if (to_worker.length == 0) return -1;
  long long now = monotonic_us();
  if (held_since_us == 0) held_since_us = now;
  size_t waiting = 0;
  for (size_t i = 0; i < run_count; i++) waiting += runs[i]->state == QUEUED;
  long long left = REPLY_HOLD_US - (now - held_since_us);
  if (!reply_urgent && waiting >= max_running && left > 0) return (int)((left + 999) / 1000);
  if (!write_some(1, &to_worker)) stop_all_and_exit(); /* the worker is gone */
  if (to_worker.length == 0) {
    held_since_us = 0;
    reply_urgent = 0;
  }
  return -1;
}

int main(int argc, char **argv) {
  max_running = argc == 2 ? strtoul(argv[1], NULL, 10) : 0;
  if (max_running == 0) {
    fprintf(stderr, "usage: lb-spawn MAX_RUNNING (started by a labbook worker, not by hand)\n");
    return 2;
  }
  launcher_pid = getpid();
  /* Signals to the worker's process group (Ctrl-C, a hangup, kill -- -PGID) are the worker's
   * to handle: it stops the runs and then closes our stdin, which is how we end. A session of
   * our own keeps them from reaching us, SIGKILL included, so that we outlive a worker whose
   * whole group is killed and stop its runs. (The other signals are ignored in case setsid
   * fails: it cannot for a child of Node, which is never a group leader.) */
  setsid();
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGTERM, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGPIPE, SIG_IGN);
  if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) < 0) return 1;
  dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null < 0) return 1;
  fcntl(1, F_SETFL, fcntl(1, F_GETFL) | O_NONBLOCK);
  struct sigaction action = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
  sigaction(SIGCHLD, &action, NULL);

  struct pollfd *fds = NULL;
  struct run **polled = NULL;
  size_t fds_capacity = 0;
  for (;;) {
    start_queued();
    int hold_ms = send_replies();
    if (fds_capacity < 3 * run_count + 3) {
      fds_capacity = (3 * run_count + 3) * 2;
      fds = realloc(fds, fds_capacity * sizeof *fds);
      polled = realloc(polled, fds_capacity * sizeof *polled);
      if (!fds || !polled) abort();
    }
    size_t count = 0;
    fds[count++] = (struct pollfd){.fd = 0, .events = POLLIN};
    fds[count++] = (struct pollfd){.fd = wake_pipe[0], .events = POLLIN};
    fds[count++] = (struct pollfd){.fd = to_worker.length > 0 && hold_ms < 0 ? 1 : -1, .events = POLLOUT};
    for (size_t i = 0; i < run_count; i++) {
      struct run *run = runs[i];
      for (int which = OUT; which <= ERR; which++) {
        if (run->output[which] < 0) continue;
        polled[count] = run;
        fds[count++] = (struct pollfd){.fd = run->output[which], .events = POLLIN};
      }
      if (run->channel < 0) continue;
      short events = (short)((to_worker.length < TO_WORKER_LIMIT ? POLLIN : 0) | (run->to_run.length > 0 ? POLLOUT : 0));
      polled[count] = run;
      fds[count++] = (struct pollfd){.fd = run->channel, .events = events};
    }
    if (poll(fds, count, hold_ms) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    /* Runs' fd 3 first, so that what a run sent reaches the worker before its "exited". */
    for (size_t i = 3; i < count; i++) {
      struct run *run = polled[i];
      if (fds[i].fd == run->output[OUT] || fds[i].fd == run->output[ERR]) {
        if (fds[i].revents) read_output(run, fds[i].fd == run->output[OUT] ? OUT : ERR);
        continue;
      }
      if (fds[i].fd != run->channel) continue; /* closed meanwhile (a failed start) */
      if (fds[i].revents & POLLOUT && !write_some(run->channel, &run->to_run)) run->to_run.length = 0;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_channel(run, (fds[i].revents & POLLIN) == 0);
    }
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (read(wake_pipe[0], drain, sizeof drain) > 0) {}
      reap();
    }
    for (size_t i = 0; i < run_count;) {
      const struct run *run = runs[i];
      if (run->state == EXITED && run->channel < 0 && run->output[OUT] < 0 && run->output[ERR] < 0) forget(i);
      else i++;
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) read_requests();
  }
}

/*
 * lb-spawn: the process launcher of a labbook worker.
 *
 * Node forks its whole (large) address space for every child; this small process forks
 * cheaply, so a worker that runs thousands of short commands is not bound by spawn cost.
 * It also guards the runs, so that no run outlives the worker that started it by more than
 * about a second, whichever of them dies, even by SIGKILL:
 *  - the worker: our stdin reaches end-of-file, and we kill every run's process group
 *    (SIGTERM, then SIGKILL after STOP_GRACE_MS) before exiting;
 *  - the worker's whole process group (kill -- -PGID, a batch system's job kill): we leave
 *    that group at start, so we live on to do the above;
 *  - this launcher: each run's leader has PR_SET_PDEATHSIG(SIGKILL), and the worker, which
 *    sees us go, kills the runs' groups (what the leaders started goes with them).
 *
 * Usage: lb-spawn SOCKET_NAME   (an abstract Unix socket the worker listens on)
 *
 * Requests on stdin, one per frame: "<length>\n" then <length> bytes of NUL-terminated fields
 *   spawn ID CWD STDOUT_PATH STDERR_PATH TOKEN ARGC ARG... ENVC ENV...
 * Each child gets its own session (setsid), /dev/null as stdin, the two files (appended)
 * as stdout and stderr, their directory created if missing (the run directory; doing it in
 * the child keeps the syscall off the worker's event loop), and, when TOKEN is not empty, fd 3 connected to SOCKET_NAME; the
 * first line it carries is TOKEN, so the worker knows which run the connection belongs to.
 * When a child ends, an output file it left empty is removed, and then the directory if
 * nothing else is in it: a run that wrote nothing leaves nothing behind (the directory is
 * there while it runs, for a command that writes into {run_dir}).
 *
 * Replies on stdout, one line each:
 *   started ID PID | exited ID CODE SIGNAL | error ID ERRNO
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
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* How long runs get to end after SIGTERM when the worker is gone, before SIGKILL. */
#define STOP_GRACE_MS 500

struct child {
  pid_t pid;
  char id[32];
  char *stdout_path;
  char *stderr_path;
};

static struct child *children;
static size_t child_count, child_capacity;
static int wake_pipe[2];
static const char *socket_name;
static pid_t launcher_pid;

static void on_sigchld(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t ignored = write(wake_pipe[1], "c", 1);
  (void)ignored;
  errno = saved;
}

static void reply(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void reply(const char *format, ...) {
  va_list args;
  va_start(args, format);
  vprintf(format, args);
  va_end(args);
  fflush(stdout);
}

static void remember(pid_t pid, const char *id, const char *out, const char *err) {
  if (child_count == child_capacity) {
    child_capacity = child_capacity ? child_capacity * 2 : 16;
    children = realloc(children, child_capacity * sizeof *children);
    if (!children) abort();
  }
  children[child_count].pid = pid;
  snprintf(children[child_count].id, sizeof children[child_count].id, "%s", id);
  children[child_count].stdout_path = strdup(out);
  children[child_count].stderr_path = strdup(err);
  if (!children[child_count].stdout_path || !children[child_count].stderr_path) abort();
  child_count++;
}

/* The directory of an output file (the run directory) into `directory`; 0 when it has none. */
static int run_directory_of(const char *path, char *directory, size_t size) {
  snprintf(directory, size, "%s", path);
  char *slash = strrchr(directory, '/');
  if (!slash || slash == directory) return 0;
  *slash = '\0';
  return 1;
}

static void remove_if_empty(const char *path) {
  struct stat info;
  if (stat(path, &info) == 0 && S_ISREG(info.st_mode) && info.st_size == 0) unlink(path);
}

/* A run's outputs and directory, when it left them empty. Before "exited" or "error" is sent:
 * the worker reads the stderr tail after that, from what is left. */
static void tidy_outputs(const char *out, const char *err) {
  remove_if_empty(out);
  remove_if_empty(err);
  char directory[4096];
  if (run_directory_of(out, directory, sizeof directory)) rmdir(directory); /* fails, as it should, when the run left anything there */
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (size_t i = 0; i < child_count; i++) {
      if (children[i].pid != pid) continue;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      tidy_outputs(children[i].stdout_path, children[i].stderr_path);
      free(children[i].stdout_path);
      free(children[i].stderr_path);
      reply("exited %s %d %d\n", children[i].id, code, sig);
      children[i] = children[--child_count];
      break;
    }
  }
}

static int connect_channel(const char *token) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  size_t name_length = strlen(socket_name);
  if (name_length + 1 > sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  /* Abstract name: a leading NUL, then the name's bytes only, as Node (22 and newer) binds it. */
  memcpy(address.sun_path + 1, socket_name, name_length);
  socklen_t address_length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + name_length);
  if (connect(fd, (struct sockaddr *)&address, address_length) < 0) return -1;
  size_t token_length = strlen(token);
  char line[256];
  if (token_length + 1 > sizeof line) {
    errno = EINVAL;
    return -1;
  }
  memcpy(line, token, token_length);
  line[token_length] = '\n';
  if (write(fd, line, token_length + 1) != (ssize_t)(token_length + 1)) return -1;
  return fd;
}

static int open_output(const char *path) { return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644); }

/* In the child, after fork: set up descriptors and exec; on failure report errno and exit. */
static void become_run(int report_fd, const char *cwd, const char *out, const char *err, const char *token, char **argv, char **envp) {
  signal(SIGINT, SIG_DFL);
  signal(SIGQUIT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGHUP, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  signal(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* Dies with the launcher, even if it is killed before it could kill us (then the worker kills the rest of our group). */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != launcher_pid) goto fail;
  setsid();
  char directory[4096];
  if (run_directory_of(out, directory, sizeof directory) && mkdir(directory, 0777) < 0 && errno != EEXIST) goto fail;
  int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  int out_fd = open_output(out);
  int err_fd = open_output(err);
  int channel_fd = token[0] ? connect_channel(token) : -2;
  if (in_fd < 0 || out_fd < 0 || err_fd < 0 || channel_fd == -1 || chdir(cwd) < 0) goto fail;
  /* dup2 clears close-on-exec on the copies; fd 3 is the channel or closed. */
  if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0) goto fail;
  if (channel_fd >= 0) {
    if (dup2(channel_fd, 3) < 0) goto fail;
  } else {
    close(3);
  }
  environ = envp;
  execvp(argv[0], argv);
fail:;
  int error = errno;
  ssize_t ignored = write(report_fd, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

static void spawn(char **fields, size_t count) {
  /* spawn ID CWD STDOUT STDERR TOKEN ARGC ARG... ENVC ENV... */
  if (count < 7) return;
  const char *id = fields[1];
  size_t argc = strtoul(fields[6], NULL, 10);
  if (argc == 0 || 7 + argc >= count) {
    reply("error %s %d\n", id, EINVAL);
    return;
  }
  size_t envc = strtoul(fields[7 + argc], NULL, 10);
  if (8 + argc + envc > count) {
    reply("error %s %d\n", id, EINVAL);
    return;
  }
  char **argv = calloc(argc + 1, sizeof *argv);
  char **envp = calloc(envc + 1, sizeof *envp);
  if (!argv || !envp) abort();
  for (size_t i = 0; i < argc; i++) argv[i] = fields[7 + i];
  for (size_t i = 0; i < envc; i++) envp[i] = fields[8 + argc + i];

  int report[2];
  if (pipe2(report, O_CLOEXEC) < 0) {
    reply("error %s %d\n", id, errno);
    free(argv);
    free(envp);
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    close(report[0]);
    become_run(report[1], fields[2], fields[3], fields[4], fields[5], argv, envp);
  }
  int error = pid < 0 ? errno : 0;
  close(report[1]);
  if (pid > 0) {
    int child_error;
    ssize_t n;
    do n = read(report[0], &child_error, sizeof child_error);
    while (n < 0 && errno == EINTR);
    if (n == sizeof child_error) {
      error = child_error;
      while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
      tidy_outputs(fields[3], fields[4]);
    }
  }
  close(report[0]);
  free(argv);
  free(envp);
  if (error) {
    reply("error %s %d\n", id, error);
    return;
  }
  remember(pid, id, fields[3], fields[4]);
  reply("started %s %d\n", id, (int)pid);
}

/* A frame is NUL-terminated fields; its last byte is a NUL. */
static void handle_frame(char *frame, size_t length) {
  if (length == 0 || frame[length - 1] != '\0') return;
  size_t count = 0;
  for (size_t i = 0; i < length; i++) count += frame[i] == '\0';
  char **fields = calloc(count, sizeof *fields);
  if (!fields) abort();
  for (size_t start = 0, i = 0; start < length; i++) {
    fields[i] = frame + start;
    start += strlen(frame + start) + 1;
  }
  if (strcmp(fields[0], "spawn") == 0) spawn(fields, count);
  free(fields);
}

static long long monotonic_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The worker is gone: stop every run's process group, politely first. A group outlives its
 * leader, so each gets SIGKILL at the end, also when its leader ended within the grace. */
static void stop_all_and_exit(void) {
  size_t count = child_count;
  pid_t *groups = calloc(count ? count : 1, sizeof *groups);
  if (!groups) abort();
  for (size_t i = 0; i < count; i++) {
    groups[i] = children[i].pid;
    kill(-groups[i], SIGTERM);
  }
  long long deadline = monotonic_ms() + STOP_GRACE_MS;
  for (long long left; child_count > 0 && (left = deadline - monotonic_ms()) > 0;) {
    struct pollfd wake = {.fd = wake_pipe[0], .events = POLLIN};
    if (poll(&wake, 1, (int)left) > 0) {
      char drain[64];
      while (read(wake_pipe[0], drain, sizeof drain) > 0) {}
    }
    reap();
  }
  for (size_t i = 0; i < count; i++) kill(-groups[i], SIGKILL);
  exit(0);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: lb-spawn SOCKET_NAME (started by a labbook worker, not by hand)\n");
    return 2;
  }
  socket_name = argv[1];
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
  struct sigaction action = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
  sigaction(SIGCHLD, &action, NULL);

  size_t capacity = 1 << 16, used = 0;
  char *buffer = malloc(capacity);
  if (!buffer) return 1;
  for (;;) {
    struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = wake_pipe[0], .events = POLLIN}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (read(wake_pipe[0], drain, sizeof drain) > 0) {}
      reap();
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP))) continue;
    if (used == capacity) {
      capacity *= 2;
      buffer = realloc(buffer, capacity);
      if (!buffer) abort();
    }
    ssize_t n = read(0, buffer + used, capacity - used);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) stop_all_and_exit();
    used += (size_t)n;
    for (;;) {
      char *newline = memchr(buffer, '\n', used);
      if (!newline) break;
      size_t header = (size_t)(newline - buffer) + 1;
      size_t length = strtoul(buffer, NULL, 10);
      if (used < header + length) {
        while (capacity < header + length) capacity *= 2;
        buffer = realloc(buffer, capacity);
        if (!buffer) abort();
        break;
      }
      handle_frame(buffer + header, length);
      memmove(buffer, buffer + header + length, used - header - length);
      used -= header + length;
    }
  }
}

/*
 * lb-peer-uid: tells the resident engine who is on the other end of a Unix socket.
 *
 * Node cannot read SO_PEERCRED; the engine hands each accepted connection to this helper as
 * fd 3, and it prints the peer's credentials as the kernel recorded them at connect(2):
 *   "<uid> <pid>\n"
 * Exit status 0, or 1 (with the reason on stderr) when fd 3 is not a connected Unix socket.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/socket.h>

int main(void) {
  struct ucred peer;
  socklen_t size = sizeof peer;
  if (getsockopt(3, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0) {
    perror("lb-peer-uid: getsockopt(SO_PEERCRED) on fd 3");
    return 1;
  }
  printf("%u %d\n", (unsigned)peer.uid, (int)peer.pid);
  return 0;
}

/*
 * peer-credentials.node: tells the resident engine who is on the other end of a Unix socket.
 *
 * Node cannot read SO_PEERCRED. This Node-API addon (ABI-stable: one build loads in every
 * Node.js from 24 on) exports peerCredentials(fd): the peer's { uid, pid } as the kernel
 * recorded them at connect(2), or null when fd is not a connected Unix socket. A call is a
 * getsockopt: no process is started per connection.
 */
#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <node_api.h>
#include <sys/socket.h>

static napi_value peer_credentials(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value result = NULL;
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "peerCredentials(fd): fd must be a number");
    return NULL;
  }
  struct ucred peer;
  socklen_t size = sizeof peer;
  if (fd < 0 || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &size) != 0) {
    napi_get_null(env, &result);
    return result;
  }
  napi_value uid, pid;
  napi_create_object(env, &result);
  napi_create_uint32(env, peer.uid, &uid);
  napi_create_int32(env, peer.pid, &pid);
  napi_set_named_property(env, result, "uid", uid);
  napi_set_named_property(env, result, "pid", pid);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value function;
  napi_create_function(env, "peerCredentials", NAPI_AUTO_LENGTH, peer_credentials, NULL, &function);
  napi_set_named_property(env, exports, "peerCredentials", function);
  return exports;
}

/* GStreamer RTCBot elements
 * Copyright (C) 2026 gst-rtcbot developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 *
 * This library is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
 * Library General Public License for more details.
 *
 * You should have received a copy of the GNU Library General Public
 * License along with this library; if not, write to the
 * Free Software Foundation, Inc., 51 Franklin St, Fifth Floor,
 * Boston, MA 02110-1301, USA.
 */


#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstrtcbotwebrtcbinprivate.h"
#include "gstrtcbotauth.h"
#include "gstrtcbotservertimeouts.h"

#define RESOURCE_PREFIX "/org/gst-rtcbot/webrtc/"
/* at most one /connect warning per this interval; the first one always */
#define HTTP_WARNING_INTERVAL_US (1 * G_USEC_PER_SEC)
/* how long stopping waits for answers in progress before it warns */
#define STOP_TIMEOUT_US (5 * G_USEC_PER_SEC)
/* the connect-url request, seconds */
#define CLIENT_TIMEOUT_S 15

/* The HTTP server: its own thread and GMainContext, like every libsoup
 * object of the project. */
struct _RtcHttp
{
  GstRtcbotWebrtcBin *self;
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  gchar *host;
  gint port;
  gchar *web_root;
  gchar *auth_token;            /* never logged */
  gchar *allowed_origins;
  GTlsCertificate *tls;         /* https:// */
  guint request_timeout;        /* s */

  /* protects the fields marked "lock": the start handshake with the
   * state change thread, and the count of answers in progress */
  GMutex lock;
  GCond cond;
  gboolean started;             /* lock */
  GError *error;                /* lock */
  guint pending;                /* answers in progress; lock */
  gint64 last_warning;          /* soup thread */
};

/* ---------------------------------------------------------------------- */
/* POST /connect                                                          */

typedef struct
{
  RtcHttp *http;
  SoupServerMessage *msg;
  gulong finished_id;
  gulong disconnected_id;
  gboolean gone;                /* no answer can be sent: soup thread only */
  RtcPeer *peer;
  GstSDPMessage *offer;
} Answering;

static void
answering_free (gpointer data)
{
  Answering *a = data;

  g_signal_handler_disconnect (a->msg, a->finished_id);
  g_signal_handler_disconnect (a->msg, a->disconnected_id);
  g_object_unref (a->msg);
  if (a->peer)
    gst_rtcbot_webrtc_peer_unref (a->peer);
  if (a->offer)
    gst_sdp_message_free (a->offer);
  g_free (a);
}

static void
respond (SoupServerMessage * msg, guint status, const gchar * type,
    const gchar * body)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, body,
      strlen (body));
}

/* Soup thread: a refused /connect, with a rate-limited warning. */
static void
refuse (RtcHttp * http, SoupServerMessage * msg, guint status,
    const gchar * address, const gchar * why)
{
  GstRtcbotWebrtcBin *self = http->self;
  gint64 now = g_get_monotonic_time ();
  gchar *text = g_strdup_printf ("%s\n", why);

  respond (msg, status, "text/plain; charset=utf-8", text);
  g_free (text);
  if (http->last_warning && now - http->last_warning < HTTP_WARNING_INTERVAL_US) {
    GST_INFO_OBJECT (self, "refused /connect from %s: %s", address, why);
    return;
  }
  http->last_warning = now;
  GST_ELEMENT_WARNING (self, RESOURCE, READ,
      ("Refused a /connect request from %s with HTTP %u: %s", address,
          status, why), (NULL));
}

static gchar *remote_address (SoupServerMessage * msg);

/* Soup thread: a request body above MAX_OFFER_BYTES sent without a
 * Content-Length; what was kept stays bounded, the rest is dropped. */
static void
on_connect_chunk (SoupServerMessage * msg, GBytes * chunk, gpointer user_data)
{
  RtcHttp *http = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  gchar *address;

  if (body->length <= MAX_OFFER_BYTES
      || soup_server_message_get_status (msg) != 0)
    return;
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  address = remote_address (msg);
  refuse (http, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, address,
      "the offer is larger than 1 MiB");
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Connection", "close");
  g_free (address);
}

/* Soup thread, once the headers of a /connect request are read and before
 * its body is: refusals that need no body (token, origin, size) happen
 * here, so that a refused request's body is never kept. */
static void
on_connect_headers (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  RtcHttp *http = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const gchar *why = NULL;
  gchar *address;
  guint status;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
    return;
  status = gst_rtcbot_auth_check_request (msg, query, http->auth_token,
      http->allowed_origins, &why);
  if (status == 0
      && soup_message_headers_get_encoding (headers) ==
      SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > MAX_OFFER_BYTES) {
    status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    why = "the offer is larger than 1 MiB";
  }
  if (status == 0) {
    g_signal_connect (msg, "got-chunk", G_CALLBACK (on_connect_chunk), http);
    return;
  }

  /* libsoup 3.2 still reads the body (unless the client sent
   * Expect: 100-continue): it is dropped, and the connection closed */
  gst_rtcbot_auth_drop_body (msg);
  address = remote_address (msg);
  refuse (http, msg, status, address, why);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Connection", "close");
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "WWW-Authenticate", "Bearer");
  g_free (address);
}

static gchar *
remote_address (SoupServerMessage * msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (remote)) {
    GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (remote);
    gchar *ip = g_inet_address_to_string (g_inet_socket_address_get_address
        (inet));
    gchar *address = g_strdup_printf ("%s:%u", ip,
        g_inet_socket_address_get_port (inet));

    g_free (ip);
    return address;
  }
  return g_strdup (GST_STR_NULL (soup_server_message_get_remote_host (msg)));
}

/* A worker thread: negotiation waits on webrtcbin and on ICE gathering. */
static void
answer_thread (GTask * task, gpointer source, gpointer task_data,
    GCancellable * cancellable)
{
  Answering *a = task_data;
  GError *error = NULL;
  gchar *answer;
  GstSDPMessage *offer = a->offer;

  a->offer = NULL;
  gst_rtcbot_webrtc_bin_wait_inputs (a->http->self);
  answer = gst_rtcbot_webrtc_peer_answer (a->peer, offer, &error);
  if (answer)
    g_task_return_pointer (task, answer, g_free);
  else
    g_task_return_error (task, error);
}

/* Soup thread: the message is done with, or its connection closed while
 * the answer was being made; libsoup 3.2 may tell only the second, and a
 * message without a connection cannot be unpaused */
static void
on_answering_gone (SoupServerMessage * msg, gpointer user_data)
{
  Answering *a = user_data;

  a->gone = TRUE;
}

/* Soup thread, once the answer is made. */
static void
answer_done (GObject * source, GAsyncResult * result, gpointer user_data)
{
  Answering *a = g_task_get_task_data (G_TASK (result));
  RtcHttp *http = a->http;
  GError *error = NULL;
  gchar *answer = g_task_propagate_pointer (G_TASK (result), &error);

  if (answer) {
    respond (a->msg, SOUP_STATUS_OK, "application/json", answer);
    g_free (answer);
  } else {
    gchar *address = remote_address (a->msg);

    refuse (http, a->msg, SOUP_STATUS_BAD_REQUEST, address, error->message);
    g_free (address);
    g_clear_error (&error);
    gst_rtcbot_webrtc_peer_remove (a->peer, "no answer could be made");
  }
  /* a message whose connection closed while it waited is done with */
  if (!a->gone)
    soup_server_message_unpause (a->msg);

  g_mutex_lock (&http->lock);
  http->pending--;
  g_cond_broadcast (&http->cond);
  g_mutex_unlock (&http->lock);
}

static void
on_connect (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  RtcHttp *http = user_data;
  SoupMessageBody *body;
  GBytes *bytes;
  GstSDPMessage *offer;
  GError *error = NULL;
  Answering *a;
  RtcPeer *peer;
  GTask *task;
  gchar *address;

  if (soup_server_message_get_method (msg) != SOUP_METHOD_POST) {
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Allow", "POST");
    respond (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain",
        "POST an offer {\"type\": \"offer\", \"sdp\": ...} to /connect\n");
    return;
  }

  address = remote_address (msg);
  body = soup_server_message_get_request_body (msg);
  bytes = soup_message_body_flatten (body);
  offer = gst_rtcbot_webrtc_parse_description (g_bytes_get_data (bytes,
          NULL), g_bytes_get_size (bytes), "offer", &error);
  g_bytes_unref (bytes);
  if (offer == NULL) {
    refuse (http, msg, SOUP_STATUS_BAD_REQUEST, address, error->message);
    goto done;
  }

  peer = gst_rtcbot_webrtc_peer_new (http->self, address, FALSE, &error);
  if (peer == NULL) {
    gst_sdp_message_free (offer);
    refuse (http, msg, g_error_matches (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_BUSY) ? SOUP_STATUS_SERVICE_UNAVAILABLE :
        SOUP_STATUS_INTERNAL_SERVER_ERROR, address, error->message);
    goto done;
  }

  a = g_new0 (Answering, 1);
  a->http = http;
  a->msg = g_object_ref (msg);
  a->peer = peer;
  a->offer = offer;
  a->finished_id = g_signal_connect (msg, "finished",
      G_CALLBACK (on_answering_gone), a);
  a->disconnected_id = g_signal_connect (msg, "disconnected",
      G_CALLBACK (on_answering_gone), a);
  soup_server_message_pause (msg);
  g_mutex_lock (&http->lock);
  http->pending++;
  g_mutex_unlock (&http->lock);
  task = g_task_new (NULL, NULL, answer_done, NULL);
  g_task_set_task_data (task, a, answering_free);
  g_task_run_in_thread (task, answer_thread);
  g_object_unref (task);

done:
  g_clear_error (&error);
  g_free (address);
}

/* ---------------------------------------------------------------------- */
/* GET: the page and the client                                           */

static const gchar *
content_type (const gchar * path)
{
  static const struct
  {
    const gchar *suffix, *type;
  } types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "application/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".svg", "image/svg+xml"},
    {".ico", "image/x-icon"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (types); i++)
    if (g_str_has_suffix (path, types[i].suffix))
      return types[i].type;
  return "application/octet-stream";
}

/* The file of web-root for @path, never outside it; NULL when none. */
static GBytes *
web_root_file (RtcHttp * http, const gchar * path)
{
  gchar *file, *contents = NULL;
  gsize size;
  GBytes *bytes = NULL;

  if (http->web_root == NULL || strstr (path, "..") || strchr (path, '\\'))
    return NULL;
  file = g_build_filename (http->web_root, path, NULL);
  if (g_file_test (file, G_FILE_TEST_IS_REGULAR)
      && g_file_get_contents (file, &contents, &size, NULL))
    bytes = g_bytes_new_take (contents, size);
  g_free (file);
  return bytes;
}

static void
on_get_headers (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  gst_rtcbot_auth_drop_body (msg);
}

static void
on_get (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  RtcHttp *http = user_data;
  const gchar *method = soup_server_message_get_method (msg);
  const gchar *name = g_str_equal (path, "/") ? "/index.html" : path;
  GBytes *bytes;

  if (method != SOUP_METHOD_GET && method != SOUP_METHOD_HEAD) {
    respond (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "text/plain",
        "only GET here\n");
    return;
  }
  bytes = web_root_file (http, name);
  if (bytes == NULL && (http->web_root == NULL
          || g_str_equal (name, "/rtcbot.js"))) {
    gchar *resource = g_strconcat (RESOURCE_PREFIX, name + 1, NULL);

    bytes = g_resources_lookup_data (resource, 0, NULL);
    g_free (resource);
  }
  if (bytes == NULL) {
    respond (msg, SOUP_STATUS_NOT_FOUND, "text/plain", "not found\n");
    return;
  }
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Cache-Control", "no-cache");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, content_type (name),
      SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL),
      g_bytes_get_size (bytes));
  g_bytes_unref (bytes);
}

/* ---------------------------------------------------------------------- */
/* the server thread                                                      */

static void
announce (RtcHttp * http, GError * error)
{
  g_mutex_lock (&http->lock);
  http->started = TRUE;
  http->error = error;
  g_cond_broadcast (&http->cond);
  g_mutex_unlock (&http->lock);
}

static gpointer
http_thread (gpointer user_data)
{
  RtcHttp *http = user_data;
  GstRtcbotWebrtcBin *self = http->self;
  SoupServer *server;
  GSocketAddress *address;
  GInetAddress *inet;
  GError *error = NULL;
  GSList *listeners;

  g_main_context_push_thread_default (http->context);
  server = soup_server_new ("server-header", "gst-rtcbot ", NULL);
  soup_server_add_early_handler (server, "/connect", on_connect_headers,
      http, NULL);
  soup_server_add_handler (server, "/connect", on_connect, http, NULL);
  gst_rtcbot_server_limit_time (server, GST_OBJECT (self),
      http->request_timeout, 0);
  if (http->tls)
    soup_server_set_tls_certificate (server, http->tls);
  /* the page and the files take no body */
  soup_server_add_early_handler (server, "/", on_get_headers, http, NULL);
  soup_server_add_handler (server, "/", on_get, http, NULL);

  inet = g_inet_address_new_from_string (http->host);
  if (inet == NULL) {
    g_set_error (&error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "Could not start the signalling server: listen-host \"%s\" is not "
        "an IP address", http->host);
    goto failed;
  }
  address = g_inet_socket_address_new (inet, http->port);
  g_object_unref (inet);
  if (!soup_server_listen (server, address,
          http->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, &error)) {
    /* the cause's own domain and code are kept for the application */
    g_prefix_error (&error, "Could not listen on %s:%d for the signalling "
        "server: ", http->host, http->port);
    g_object_unref (address);
    goto failed;
  }
  g_object_unref (address);

  /* from the socket: soup_server_get_uris() of libsoup 3.2 leaks */
  listeners = soup_server_get_listeners (server);
  if (listeners) {
    GSocketAddress *local = g_socket_get_local_address (listeners->data,
        NULL);

    GST_OBJECT_LOCK (self);
    if (G_IS_INET_SOCKET_ADDRESS (local))
      self->bound_port =
          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    GST_OBJECT_UNLOCK (self);
    g_clear_object (&local);
  }
  g_slist_free (listeners);
  gst_rtcbot_webrtc_bin_notify_bound_port (self);
  GST_INFO_OBJECT (self, "signalling server on %s://%s:%u/",
      http->tls ? "https" : "http", http->host, self->bound_port);

  announce (http, NULL);
  g_main_loop_run (http->loop);
  soup_server_disconnect (server);
  /* lets the closed connections' sources run down */
  while (g_main_context_iteration (http->context, FALSE));
  g_object_unref (server);
  g_main_context_pop_thread_default (http->context);
  return NULL;

failed:
  g_object_unref (server);
  g_main_context_pop_thread_default (http->context);
  announce (http, error);
  return NULL;
}

static void
http_free (RtcHttp * http)
{
  g_main_loop_unref (http->loop);
  g_main_context_unref (http->context);
  g_mutex_clear (&http->lock);
  g_cond_clear (&http->cond);
  g_free (http->host);
  g_free (http->web_root);
  if (http->auth_token) {
    memset (http->auth_token, 0, strlen (http->auth_token));
    g_free (http->auth_token);
  }
  g_free (http->allowed_origins);
  g_clear_object (&http->tls);
  g_free (http);
}

gboolean
gst_rtcbot_webrtc_http_start (GstRtcbotWebrtcBin * self, GError ** error)
{
  RtcHttp *http;
  gchar *certificate, *key;

  GST_OBJECT_LOCK (self);
  if (self->listen_port < 0) {
    GST_OBJECT_UNLOCK (self);
    return TRUE;
  }
  http = g_new0 (RtcHttp, 1);
  http->self = self;
  http->host = g_strdup (g_strcmp0 (self->listen_host, "localhost") == 0 ?
      "127.0.0.1" : self->listen_host ? self->listen_host : "127.0.0.1");
  http->port = self->listen_port;
  http->web_root = g_strdup (self->web_root);
  http->auth_token = g_strdup (self->auth_token);
  http->allowed_origins = g_strdup (self->allowed_origins);
  http->request_timeout = self->request_timeout;
  certificate = g_strdup (self->tls_certificate);
  key = g_strdup (self->tls_key);
  GST_OBJECT_UNLOCK (self);

  http->context = g_main_context_new ();
  http->loop = g_main_loop_new (http->context, FALSE);
  g_mutex_init (&http->lock);
  g_cond_init (&http->cond);
  if (certificate) {
    http->tls = gst_rtcbot_auth_load_certificate (certificate, key, error);
    g_free (certificate);
    g_free (key);
    if (http->tls == NULL) {
      http_free (http);
      return FALSE;
    }
  }

  http->thread = g_thread_new ("rtcbotwebrtc", http_thread, http);

  g_mutex_lock (&http->lock);
  while (!http->started)
    g_cond_wait (&http->cond, &http->lock);
  g_mutex_unlock (&http->lock);

  if (http->error) {
    g_propagate_error (error, http->error);
    g_thread_join (http->thread);
    http_free (http);
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  self->http = http;
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
gst_rtcbot_webrtc_http_stop (GstRtcbotWebrtcBin * self)
{
  RtcHttp *http;
  gint64 end = g_get_monotonic_time () + STOP_TIMEOUT_US;

  GST_OBJECT_LOCK (self);
  http = self->http;
  self->http = NULL;
  GST_OBJECT_UNLOCK (self);
  if (http == NULL)
    return;

  /* the answers in progress end quickly once their peers are removed, and
   * their completion runs on the server thread, which is still running;
   * each of them uses the server, so all must be done before it is freed
   * (a worker thread of a busy pool may start one late: every wait in it
   * is bounded, and a removed peer fails at once) */
  g_mutex_lock (&http->lock);
  while (http->pending > 0)
    if (!g_cond_wait_until (&http->cond, &http->lock, end))
      break;
  if (http->pending > 0)
    GST_WARNING_OBJECT (self, "%u answers still in progress after %d s",
        http->pending, (gint) (STOP_TIMEOUT_US / G_USEC_PER_SEC));
  while (http->pending > 0)
    g_cond_wait (&http->cond, &http->lock);
  g_mutex_unlock (&http->lock);

  g_main_context_invoke (http->context, quit_cb, http->loop);
  g_thread_join (http->thread);
  http_free (http);
}

/* ---------------------------------------------------------------------- */
/* connect-url: offering to an RTCBot-style server                        */

static void
client_fail (GstRtcbotWebrtcBin * self, const gchar * url, GError * error,
    GCancellable * cancellable)
{
  if (!g_cancellable_is_cancelled (cancellable))
    GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, OPEN_READ_WRITE, error,
        ("Could not connect to %s: %s", url, error->message));
  g_clear_error (&error);
}

static gboolean
accept_any_certificate (SoupMessage * msg, GTlsCertificate * certificate,
    GTlsCertificateFlags errors, gpointer user_data)
{
  GST_INFO_OBJECT (user_data, "accepting the server's certificate despite "
      "errors 0x%x (tls-validation is off)", errors);
  return TRUE;
}

static gboolean
client_post (GstRtcbotWebrtcBin * self, const gchar * url,
    const gchar * offer, GCancellable * cancellable, GBytes ** answer,
    GError ** error)
{
  SoupSession *session;
  SoupMessage *msg;
  GBytes *body;
  guint status;
  gchar *token;
  gboolean tls_validation;

  msg = soup_message_new (SOUP_METHOD_POST, url);
  if (msg == NULL) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "connect-url is not an http:// or https:// URL");
    return FALSE;
  }
  GST_OBJECT_LOCK (self);
  token = g_strdup (self->auth_token);
  tls_validation = self->tls_validation;
  GST_OBJECT_UNLOCK (self);
  gst_rtcbot_auth_add_bearer (msg, token);
  if (token) {
    memset (token, 0, strlen (token));
    g_free (token);
  }
  if (!tls_validation)
    g_signal_connect (msg, "accept-certificate",
        G_CALLBACK (accept_any_certificate), self);
  session = soup_session_new_with_options ("timeout", CLIENT_TIMEOUT_S,
      "user-agent", "gst-rtcbot ", NULL);
  body = g_bytes_new (offer, strlen (offer));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  g_bytes_unref (body);

  *answer = soup_session_send_and_read (session, msg, cancellable, error);
  status = soup_message_get_status (msg);
  if (*answer == NULL && soup_message_get_tls_peer_certificate_errors (msg)) {
    g_clear_error (error);
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
        "the server's TLS certificate is not trusted (tls-validation=false "
        "accepts it, for testing only)");
  }
  if (*answer && status != SOUP_STATUS_OK) {
    gsize size;
    const gchar *data = g_bytes_get_data (*answer, &size);
    gchar *text = g_strndup (data, MIN (size, 200));

    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
        "the server answered HTTP %u %s%s%s", status,
        GST_STR_NULL (soup_message_get_reason_phrase (msg)),
        *text ? ": " : "", g_strstrip (text));
    g_free (text);
    g_clear_pointer (answer, g_bytes_unref);
  }
  g_object_unref (msg);
  g_object_unref (session);
  return *answer != NULL;
}

static gpointer
client_thread (gpointer user_data)
{
  GstRtcbotWebrtcBin *self = user_data;
  GCancellable *cancellable;
  GError *error = NULL;
  RtcPeer *peer;
  GBytes *answer = NULL;
  GstSDPMessage *sdp;
  gchar *url, *offer;

  GST_OBJECT_LOCK (self);
  url = g_strdup (self->connect_url);
  cancellable = g_object_ref (self->client_cancellable);
  GST_OBJECT_UNLOCK (self);

  peer = gst_rtcbot_webrtc_peer_new (self, url, TRUE, &error);
  if (peer == NULL) {
    client_fail (self, url, error, cancellable);
    goto done;
  }
  gst_rtcbot_webrtc_bin_wait_inputs (self);
  offer = gst_rtcbot_webrtc_peer_offer (peer, &error);
  if (offer == NULL)
    goto failed;
  GST_INFO_OBJECT (self, "offering to %s", url);
  if (!client_post (self, url, offer, cancellable, &answer, &error)) {
    g_free (offer);
    goto failed;
  }
  g_free (offer);
  sdp = gst_rtcbot_webrtc_parse_description (g_bytes_get_data (answer, NULL),
      g_bytes_get_size (answer), "answer", &error);
  g_bytes_unref (answer);
  if (sdp == NULL || !gst_rtcbot_webrtc_peer_apply_answer (peer, sdp, &error))
    goto failed;
  gst_rtcbot_webrtc_peer_unref (peer);
  goto done;

failed:
  client_fail (self, url, error, cancellable);
  gst_rtcbot_webrtc_peer_remove (peer, "the offer was not answered");
  gst_rtcbot_webrtc_peer_unref (peer);
done:
  g_object_unref (cancellable);
  g_free (url);
  return NULL;
}

void
gst_rtcbot_webrtc_client_start (GstRtcbotWebrtcBin * self)
{
  GST_OBJECT_LOCK (self);
  if (self->client_thread || self->closed_for_good) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  self->client_cancellable = g_cancellable_new ();
  self->client_thread = g_thread_new ("rtcbotwebrtc-client", client_thread,
      self);
  GST_OBJECT_UNLOCK (self);
}

void
gst_rtcbot_webrtc_client_stop (GstRtcbotWebrtcBin * self)
{
  GThread *thread;
  GCancellable *cancellable;

  GST_OBJECT_LOCK (self);
  thread = self->client_thread;
  cancellable = self->client_cancellable;
  self->client_thread = NULL;
  self->client_cancellable = NULL;
  GST_OBJECT_UNLOCK (self);
  if (thread == NULL)
    return;
  g_cancellable_cancel (cancellable);
  /* the peer's waits end once it is removed */
  GST_OBJECT_LOCK (self);
  g_cond_broadcast (&self->inputs_cond);
  GST_OBJECT_UNLOCK (self);
  g_thread_join (thread);
  g_object_unref (cancellable);
}

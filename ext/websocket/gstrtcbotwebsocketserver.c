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

#include <libsoup/soup.h>

#include "gstrtcbotwebsocketbinprivate.h"
#include "gstrtcbotauth.h"
#include "gstrtcbotservertimeouts.h"

/* ---------------------------------------------------------------------- */
/* connections (soup thread)                                              */

/* Soup thread: TRUE when a connection warning may be posted now. */
gboolean
gst_rtcbot_websocket_bin_connection_warning_allowed (WsRun * run)
{
  gint64 now = g_get_monotonic_time ();

  if (run->last_connection_warning != 0
      && now - run->last_connection_warning < CONNECTION_WARNING_INTERVAL_US)
    return FALSE;
  run->last_connection_warning = now;
  return TRUE;
}

static gboolean
free_peer_cb (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

void
gst_rtcbot_websocket_bin_peer_free (gpointer user_data)
{
  WsPeer *peer = user_data;

  g_signal_handlers_disconnect_by_data (peer->conn, peer);
  g_object_unref (peer->conn);
  g_free (peer->address);
  g_free (peer->last_error);
  g_free (peer->refusal);
  g_free (peer);
}

static void
post_peer (WsRun * run, const gchar * name, WsPeer * peer)
{
  if (run->mode != GST_RTCBOT_WEBSOCKET_MODE_SERVER)
    return;
  gst_rtcbot_bin_post (GST_RTCBOT_BIN (run->self), gst_structure_new (name,
          "peer", G_TYPE_UINT, peer->id, "address", G_TYPE_STRING,
          peer->address, NULL));
}

static void
on_peer_closed (SoupWebsocketConnection * conn, gpointer user_data)
{
  WsPeer *peer = user_data;
  WsRun *run = peer->run;
  GstRtcbotWebsocketBin *self = run->self;
  GSource *source;

  GST_DEBUG_OBJECT (self, "connection %u (%s) closed: %u '%s'", peer->id,
      peer->address, soup_websocket_connection_get_close_code (conn),
      GST_STR_NULL (soup_websocket_connection_get_close_data (conn)));
  run->peers = g_list_remove (run->peers, peer);

  if (!run->stopping) {
    post_peer (run, "rtcbot-peer-closed", peer);
    if (run->mode == GST_RTCBOT_WEBSOCKET_MODE_CLIENT && !run->closing) {
      const gchar *data = soup_websocket_connection_get_close_data (conn);
      gushort code = soup_websocket_connection_get_close_code (conn);
      gchar *reason;

      if (peer->refusal)
        reason = g_strdup (peer->refusal);
      else if (code == 0)
        reason = g_strdup_printf ("the connection was lost without a close "
            "frame: code 1006%s%s", peer->last_error ? ", " : "",
            peer->last_error ? peer->last_error : "");
      else
        reason = g_strdup_printf ("the peer closed the connection: code "
            "%u%s%s", code, data && *data ? ", reason: " : "",
            data ? data : "");

      gst_rtcbot_bin_set_ready (GST_RTCBOT_BIN (self), FALSE);
      if (run->reconnect) {
        guint delay = gst_rtcbot_websocket_bin_schedule_reconnect (run);

        if (gst_rtcbot_websocket_bin_connection_warning_allowed (run))
          GST_ELEMENT_WARNING (self, RESOURCE, READ,
              ("Lost the connection to %s (%s); reconnecting in %u ms",
                  run->url, reason, delay), (NULL));
      } else {
        gst_rtcbot_bin_end (GST_RTCBOT_BIN (self), reason);
      }
      g_free (reason);
    }
  }

  /* the connection is still emitting: free it later */
  source = g_idle_source_new ();
  g_source_set_callback (source, free_peer_cb, peer,
      gst_rtcbot_websocket_bin_peer_free);
  g_source_attach (source, run->context);
  g_source_unref (source);
}

static void
on_peer_error (SoupWebsocketConnection * conn, GError * error,
    gpointer user_data)
{
  WsPeer *peer = user_data;

  GST_INFO_OBJECT (peer->run->self, "connection %u (%s): %s", peer->id,
      peer->address, error->message);
  g_free (peer->last_error);
  peer->last_error = g_strdup (error->message);
  /* beyond libsoup's own limit, libsoup 3.2 drops the connection without
   * a close frame */
  if (g_error_matches (error, SOUP_WEBSOCKET_ERROR,
          SOUP_WEBSOCKET_CLOSE_TOO_BIG) && !peer->run->stopping)
    GST_ELEMENT_WARNING (peer->run->self, STREAM, TOO_LAZY,
        ("Closed the connection with %s: it sent a message larger than "
            "max-message-size (%" G_GUINT64_FORMAT " bytes)", peer->address,
            peer->run->max_message_size), ("soup: %s", error->message));
}

/* Soup thread: a message above max-message-size that libsoup still
 * accepted; closing with 1009 tells the peer why, and only that peer goes. */
void
gst_rtcbot_websocket_bin_refuse_oversize (WsPeer * peer, gsize size)
{
  WsRun *run = peer->run;

  g_free (peer->refusal);
  peer->refusal = g_strdup_printf ("Closed the connection with %s (code "
      "1009): it sent a message of %" G_GSIZE_FORMAT " bytes, larger than "
      "max-message-size (%" G_GUINT64_FORMAT " bytes)", peer->address, size,
      run->max_message_size);
  GST_ELEMENT_WARNING (run->self, STREAM, TOO_LAZY, ("%s", peer->refusal),
      (NULL));
  soup_websocket_connection_close (peer->conn, SOUP_WEBSOCKET_CLOSE_TOO_BIG,
      "message too big");
}

/* libsoup cuts a connection at its own payload limit without a close
 * frame; letting it buffer up to a few times max-message-size first gives
 * the usual oversize message a proper 1009 while still bounding memory. */
static guint64
soup_payload_limit (guint64 max_message_size)
{
  if (max_message_size == 0 || max_message_size > G_MAXUINT64 / 4)
    return 0;
  return MAX (max_message_size * 4, max_message_size + 1024 * 1024);
}

WsPeer *
gst_rtcbot_websocket_bin_add_peer (WsRun * run, SoupWebsocketConnection * conn,
    gchar * address)
{
  WsPeer *peer = g_new0 (WsPeer, 1);

  peer->run = run;
  peer->conn = conn;
  peer->id = run->next_peer_id++;
  peer->address = address;
  soup_websocket_connection_set_max_incoming_payload_size (conn,
      soup_payload_limit (run->max_message_size));
  soup_websocket_connection_set_keepalive_interval (conn,
      run->keepalive_interval);
  g_signal_connect (conn, "message",
      G_CALLBACK (gst_rtcbot_websocket_bin_on_peer_message), peer);
  g_signal_connect (conn, "closed", G_CALLBACK (on_peer_closed), peer);
  g_signal_connect (conn, "error", G_CALLBACK (on_peer_error), peer);
  run->peers = g_list_append (run->peers, peer);
  GST_INFO_OBJECT (run->self, "connection %u with %s open", peer->id, address);
  return peer;
}

void
gst_rtcbot_websocket_bin_close_peers (WsRun * run, gushort code,
    const gchar * reason)
{
  GList *l;

  for (l = run->peers; l; l = l->next) {
    WsPeer *peer = l->data;

    if (soup_websocket_connection_get_state (peer->conn) ==
        SOUP_WEBSOCKET_STATE_OPEN)
      soup_websocket_connection_close (peer->conn, code, reason);
  }
}

/* "ip:port" of the client of @msg */
static gchar *
remote_address (SoupServerMessage * msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  gchar *address;

  if (G_IS_INET_SOCKET_ADDRESS (remote)) {
    GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (remote);
    gchar *ip = g_inet_address_to_string (g_inet_socket_address_get_address
        (inet));

    address = g_strdup_printf ("%s:%u", ip,
        g_inet_socket_address_get_port (inet));
    g_free (ip);
  } else {
    address = g_strdup (GST_STR_NULL (soup_server_message_get_remote_host
            (msg)));
  }
  return address;
}

/* Soup thread, once the headers of a request for the websocket path are
 * read and before its body is: a handshake has no body, and a refused one
 * needs none, so bodies are never kept. */
static void
on_server_headers (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  WsRun *run = user_data;
  gchar *address;
  const gchar *why = "a websocket request has no body";
  guint status = SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;

  if (!gst_rtcbot_auth_drop_body (msg))
    status = gst_rtcbot_auth_check_request (msg, query, run->auth_token,
        run->allowed_origins, &why);
  if (status != 0) {
    address = remote_address (msg);
    GST_INFO_OBJECT (run->self, "refusing %s: %s", address, why);
    gst_rtcbot_auth_refuse (msg, status, why);
    if (gst_rtcbot_websocket_bin_connection_warning_allowed (run))
      GST_ELEMENT_WARNING (run->self, RESOURCE, OPEN_READ,
          ("Refused the websocket client %s on port %u with HTTP %u: %s",
              address, run->bound_port, status, why), (NULL));
    g_free (address);
  }
}

/* Soup thread: any other path; its body is not kept either. */
static void
on_other_headers (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  gst_rtcbot_auth_drop_body (msg);
  gst_rtcbot_auth_refuse (msg, SOUP_STATUS_NOT_FOUND, "not found");
}

/* Soup thread: the normal handler of the websocket path runs before
 * libsoup processes the handshake; a status set here refuses it. */
static void
on_server_request (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  WsRun *run = user_data;
  guint clients;
  gchar *address;

  if (run->max_peers == 0)
    return;
  clients = g_list_length (run->peers);
  if (clients < run->max_peers)
    return;

  address = remote_address (msg);
  GST_INFO_OBJECT (run->self, "refusing %s: %u clients connected", address,
      clients);
  soup_server_message_set_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
      "Too many clients");
  if (gst_rtcbot_websocket_bin_connection_warning_allowed (run))
    GST_ELEMENT_WARNING (run->self, RESOURCE, BUSY,
        ("Refused the websocket client %s on port %u with HTTP 503: "
            "max-peers (%u) are connected", address, run->bound_port,
            run->max_peers), (NULL));
  g_free (address);
}

static void
on_websocket (SoupServer * server, SoupServerMessage * msg, const char *path,
    SoupWebsocketConnection * conn, gpointer user_data)
{
  WsRun *run = user_data;
  WsPeer *peer;

  peer =
      gst_rtcbot_websocket_bin_add_peer (run, g_object_ref (conn),
      remote_address (msg));
  if (run->closing || run->stopping) {
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
        "closed");
    return;
  }
  post_peer (run, "rtcbot-peer-connected", peer);
}

gboolean
gst_rtcbot_websocket_bin_start_server (WsRun * run, GError ** error)
{
  GSocketAddress *address;
  GInetAddress *inet;
  GSList *listeners;
  const gchar *host = run->host ? run->host : "";

  if (g_strcmp0 (host, "localhost") == 0)
    host = "127.0.0.1";
  inet = g_inet_address_new_from_string (host);
  if (inet == NULL) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "'%s' is not a numeric IP address", run->host);
    return FALSE;
  }
  address = g_inet_socket_address_new (inet, run->port);
  g_object_unref (inet);

  run->server = soup_server_new ("server-header", "gst-rtcbot ", NULL);
  soup_server_add_early_handler (run->server, run->path, on_server_headers,
      run, NULL);
  /* a path of "/" is the default handler already */
  if (run->path[0] != '\0' && g_strcmp0 (run->path, "/") != 0)
    soup_server_add_early_handler (run->server, NULL, on_other_headers, run,
        NULL);
  soup_server_add_handler (run->server, run->path, on_server_request, run,
      NULL);
  soup_server_add_websocket_handler (run->server, run->path, NULL, NULL,
      on_websocket, run, NULL);
  /* a live client answers every ping: silence for three intervals means
   * it is gone */
  gst_rtcbot_server_limit_time (run->server, GST_OBJECT (run->self),
      run->request_timeout, run->keepalive_interval * 3);
  if (run->tls)
    soup_server_set_tls_certificate (run->server, run->tls);
  if (!soup_server_listen (run->server, address,
          run->tls ? SOUP_SERVER_LISTEN_HTTPS : 0, error)) {
    g_object_unref (address);
    return FALSE;
  }
  g_object_unref (address);

  listeners = soup_server_get_listeners (run->server);
  if (listeners) {
    GSocketAddress *local = g_socket_get_local_address (listeners->data, NULL);

    if (G_IS_INET_SOCKET_ADDRESS (local))
      run->bound_port =
          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    g_clear_object (&local);
  }
  g_slist_free (listeners);
  return TRUE;
}

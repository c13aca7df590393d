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

/* A connection to a SoupServer of libsoup 3.2 stays open for as long as
 * the client keeps it: one that connects and sends nothing, or sends its
 * request a byte at a time (slowloris), or vanished without a FIN, holds
 * an fd of the process forever. Two limits close them:
 *
 * - a deadline: the whole request (headers and body) must arrive within
 *   request-timeout seconds of the connection being ready for it (just
 *   accepted, or its previous response written);
 * - an inactivity timeout on the socket (GSocket:timeout): a read or a
 *   write that waits longer than that fails with G_IO_ERROR_TIMED_OUT and
 *   libsoup closes the connection. Once a websocket upgrade has been
 *   read, the limit becomes the websocket idle timeout: with keepalive
 *   pings, a live peer answers every ping, so silence for several ping
 *   periods means the peer is gone;
 * - one request per plain HTTP connection (see on_request_read).
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstrtcbotservertimeouts.h"

GST_DEBUG_CATEGORY_STATIC (rtcbot_server_debug);
#define GST_CAT_DEFAULT rtcbot_server_debug

#define LIMITS_KEY "gst-rtcbot-server-limits"
#define DEADLINE_KEY "gst-rtcbot-request-deadline"

typedef struct
{
  GstObject *owner;             /* for the log only; outlives the server */
  guint request_timeout;
  guint websocket_idle_timeout;
} ServerLimits;

static void
destroy_deadline (gpointer data)
{
  GSource *deadline = data;

  g_source_destroy (deadline);
  g_source_unref (deadline);
}

static gboolean
request_deadline_passed (gpointer user_data)
{
  SoupServerMessage *msg = user_data;
  ServerLimits *limits = g_object_get_data (G_OBJECT (msg), LIMITS_KEY);
  GSocket *socket = soup_server_message_get_socket (msg);

  GST_INFO_OBJECT (limits->owner, "closing the connection from %s: no "
      "whole request within %u s",
      GST_STR_NULL (soup_server_message_get_remote_host (msg)),
      limits->request_timeout);
  /* the read libsoup is waiting in ends, and it closes the connection */
  if (socket)
    g_socket_shutdown (socket, TRUE, TRUE, NULL);
  g_object_set_data (G_OBJECT (msg), DEADLINE_KEY, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_request_started (SoupServer * server, SoupServerMessage * msg,
    ServerLimits * limits)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  GSource *deadline;

  if (limits->request_timeout == 0)
    return;
  if (socket)
    g_socket_set_timeout (socket, limits->request_timeout);
  deadline = g_timeout_source_new_seconds (limits->request_timeout);
  g_source_set_callback (deadline, request_deadline_passed, msg, NULL);
  g_source_attach (deadline, g_main_context_get_thread_default ());
  g_object_set_data (G_OBJECT (msg), LIMITS_KEY, limits);
  g_object_set_data_full (G_OBJECT (msg), DEADLINE_KEY, deadline,
      destroy_deadline);
}

static gboolean
is_websocket_upgrade (SoupServerMessage * msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  return soup_message_headers_header_contains (headers, "Upgrade", "websocket");
}

static void
on_request_read (SoupServer * server, SoupServerMessage * msg,
    ServerLimits * limits)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  g_object_set_data (G_OBJECT (msg), DEADLINE_KEY, NULL);
  if (is_websocket_upgrade (msg)) {
    /* set before the connection's websocket reader exists: a GSocket
     * source takes the timeout it is created with */
    if (socket)
      g_socket_set_timeout (socket, limits->websocket_idle_timeout);
  } else {
    /* one request per connection: libsoup 3.2 does not notice a keep-alive
     * client that closed between requests, and its socket would stay in
     * CLOSE_WAIT for as long as the server runs */
    soup_message_headers_replace (soup_server_message_get_response_headers
        (msg), "Connection", "close");
  }
}

/* The request never came whole: the deadline goes with the message. */
static void
on_request_aborted (SoupServer * server, SoupServerMessage * msg,
    ServerLimits * limits)
{
  g_object_set_data (G_OBJECT (msg), DEADLINE_KEY, NULL);
}

/* Applies the limits to every connection @server accepts from now on.
 * @request_timeout: seconds a client has to send a whole request, also
 * the longest wait of one read or write; 0 = none. The websocket idle
 * timeout and one request per plain HTTP connection apply either way.
 * @websocket_idle_timeout: seconds an upgraded websocket may stay silent;
 * 0 = forever. Call on the thread that runs @server's main context. */
void
gst_rtcbot_server_limit_time (SoupServer * server, GstObject * owner,
    guint request_timeout, guint websocket_idle_timeout)
{
  ServerLimits *limits;

  GST_DEBUG_CATEGORY_INIT (rtcbot_server_debug, "rtcbotserver", 0,
      "time limits of the rtcbot HTTP/websocket servers");
  limits = g_new0 (ServerLimits, 1);
  limits->owner = owner;
  limits->request_timeout = request_timeout;
  limits->websocket_idle_timeout = websocket_idle_timeout;
  g_object_set_data_full (G_OBJECT (server), LIMITS_KEY, limits, g_free);
  g_signal_connect (server, "request-started",
      G_CALLBACK (on_request_started), limits);
  g_signal_connect (server, "request-read", G_CALLBACK (on_request_read),
      limits);
  g_signal_connect (server, "request-aborted",
      G_CALLBACK (on_request_aborted), limits);
}

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

#include <libsoup/soup.h>

#include "gstrtcbotwebsocketbinprivate.h"

/* ---------------------------------------------------------------------- */
/* connections (soup thread)                                              */

gboolean
gst_rtcbot_websocket_bin_close_cb (gpointer user_data)
{
  WsRun *run = user_data;

  run->closing = TRUE;
  gst_rtcbot_websocket_bin_cancel_reconnect (run);
  if (run->cancellable)
    g_cancellable_cancel (run->cancellable);
  if (run->server)
    soup_server_disconnect (run->server);
  gst_rtcbot_websocket_bin_close_peers (run, SOUP_WEBSOCKET_CLOSE_NORMAL,
      "closed by the application");
  return G_SOURCE_REMOVE;
}

/* ---------------------------------------------------------------------- */
/* the soup thread                                                        */

static void
announce_start (WsRun * run, WsStartState state, GError * error)
{
  g_mutex_lock (&run->lock);
  run->start_state = state;
  run->start_error = error;
  g_cond_signal (&run->cond);
  g_mutex_unlock (&run->lock);
}

static gboolean
started_cb (gpointer user_data)
{
  announce_start (user_data, START_OK, NULL);
  return G_SOURCE_REMOVE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Soup thread, after its loop: closes the connections (waiting a bounded
 * time for the closing handshakes) and destroys every libsoup object. */
static void
cleanup (WsRun * run)
{
  gint64 deadline = g_get_monotonic_time () + SHUTDOWN_TIMEOUT_US;
  GSource *wake;

  run->stopping = TRUE;
  gst_rtcbot_websocket_bin_cancel_reconnect (run);
  if (run->cancellable)
    g_cancellable_cancel (run->cancellable);
  if (run->server)
    soup_server_disconnect (run->server);
  gst_rtcbot_websocket_bin_close_peers (run, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
      "shutting down");

  wake = g_timeout_source_new (10);
  g_source_set_callback (wake, wake_cb, NULL, NULL);
  g_source_attach (wake, run->context);
  while ((run->peers || run->connecting)
      && g_get_monotonic_time () < deadline)
    g_main_context_iteration (run->context, TRUE);
  g_source_destroy (wake);
  g_source_unref (wake);

  /* not closed in time: disposing the connection closes its socket */
  g_list_free_full (g_steal_pointer (&run->peers),
      gst_rtcbot_websocket_bin_peer_free);

  g_clear_object (&run->server);
  if (run->session)
    soup_session_abort (run->session);
  g_clear_object (&run->msg);
  g_clear_object (&run->session);
  g_clear_object (&run->cancellable);

  while (g_main_context_iteration (run->context, FALSE));
}

gpointer
gst_rtcbot_websocket_bin_soup_thread (gpointer user_data)
{
  WsRun *run = user_data;
  GError *error = NULL;
  gboolean ok;

  g_main_context_push_thread_default (run->context);

  if (run->mode == GST_RTCBOT_WEBSOCKET_MODE_SERVER)
    ok = gst_rtcbot_websocket_bin_start_server (run, &error);
  else
    ok = gst_rtcbot_websocket_bin_start_client (run, &error);

  if (ok) {
    /* announced from inside the loop, so that a quit cannot come first */
    GSource *source = g_idle_source_new ();

    g_source_set_priority (source, G_PRIORITY_HIGH);
    g_source_set_callback (source, started_cb, run, NULL);
    g_source_attach (source, run->context);
    g_source_unref (source);
    g_main_loop_run (run->loop);
  } else {
    announce_start (run, START_FAILED, error);
  }

  cleanup (run);
  g_main_context_pop_thread_default (run->context);
  return NULL;
}

void
gst_rtcbot_websocket_bin_ws_run_free (WsRun * run)
{
  g_source_destroy (run->drain_source);
  g_source_unref (run->drain_source);
  g_main_loop_unref (run->loop);
  g_main_context_unref (run->context);
  g_free (run->url);
  if (run->uri)
    g_uri_unref (run->uri);
  g_free (run->host);
  g_free (run->path);
  if (run->auth_token) {
    memset (run->auth_token, 0, strlen (run->auth_token));
    g_free (run->auth_token);
  }
  g_free (run->allowed_origins);
  g_clear_object (&run->tls);
  g_clear_error (&run->start_error);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->cond);
  g_free (run);
}

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
#include "gstrtcbotcommon.h"

/* ---------------------------------------------------------------------- */
/* connections (soup thread)                                              */

static void connect_client (WsRun * run);

static gboolean
reconnect_cb (gpointer user_data)
{
  WsRun *run = user_data;

  g_clear_pointer (&run->reconnect_source, g_source_unref);
  if (!run->closing && !run->stopping)
    connect_client (run);
  return G_SOURCE_REMOVE;
}

/* Soup thread: the next attempt after the current backoff, which then
 * doubles up to reconnect-max. */
guint
gst_rtcbot_websocket_bin_schedule_reconnect (WsRun * run)
{
  guint delay = run->backoff;

  g_assert (run->reconnect_source == NULL);
  run->backoff = MIN ((guint64) run->backoff * 2, run->reconnect_max);
  run->reconnect_source = g_timeout_source_new (delay);
  g_source_set_callback (run->reconnect_source, reconnect_cb, run, NULL);
  g_source_attach (run->reconnect_source, run->context);
  GST_DEBUG_OBJECT (run->self, "reconnecting to %s in %u ms", run->url, delay);
  return delay;
}

void
gst_rtcbot_websocket_bin_cancel_reconnect (WsRun * run)
{
  if (run->reconnect_source) {
    g_source_destroy (run->reconnect_source);
    g_clear_pointer (&run->reconnect_source, g_source_unref);
  }
}

static void
on_connected (GObject * object, GAsyncResult * result, gpointer user_data)
{
  WsRun *run = user_data;
  GstRtcbotWebsocketBin *self = run->self;
  SoupWebsocketConnection *conn;
  GError *error = NULL;
  guint status;

  run->connecting = FALSE;
  conn = soup_session_websocket_connect_finish (SOUP_SESSION (object), result,
      &error);
  if (conn == NULL)
    goto failed;

  gst_rtcbot_websocket_bin_add_peer (run, conn, g_uri_to_string (run->uri));
  if (run->closing || run->stopping) {
    soup_websocket_connection_close (conn, SOUP_WEBSOCKET_CLOSE_NORMAL,
        "closed");
    return;
  }
  run->backoff = run->reconnect_min;
  gst_rtcbot_bin_set_ready (GST_RTCBOT_BIN (self), TRUE);
  gst_rtcbot_websocket_bin_drain (run);
  return;

  /* ERRORS */
failed:
  {
    if (run->stopping || g_error_matches (error, G_IO_ERROR,
            G_IO_ERROR_CANCELLED)) {
      g_clear_error (&error);
      return;
    }
    status = soup_message_get_status (run->msg);
    if (run->reconnect && !run->closing) {
      guint delay = gst_rtcbot_websocket_bin_schedule_reconnect (run);

      if (gst_rtcbot_websocket_bin_connection_warning_allowed (run)) {
        if (status != SOUP_STATUS_NONE
            && status != SOUP_STATUS_SWITCHING_PROTOCOLS)
          GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ,
              ("Could not connect to %s: the server answered HTTP %u %s; "
                  "retrying in %u ms", run->url, status,
                  GST_STR_NULL (soup_message_get_reason_phrase (run->msg)),
                  delay), ("soup: %s", error->message));
        else
          GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ,
              ("Could not connect to %s: %s; retrying in %u ms", run->url,
                  error->message, delay), ("soup: %s (%s %d)",
                  error->message, g_quark_to_string (error->domain),
                  error->code));
      }
      g_clear_error (&error);
      return;
    }
    if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE)
        || (error->domain == SOUP_SESSION_ERROR
            && soup_message_get_tls_peer_certificate_errors (run->msg))) {
      GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, OPEN_READ_WRITE, error,
          ("Could not connect to %s: the server's TLS certificate is not "
              "trusted (tls-validation=false accepts it, for testing only)",
              run->url));
    } else if (error->domain == G_TLS_ERROR) {
      GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, OPEN_READ_WRITE, error,
          ("Could not connect to %s: the TLS handshake failed: %s", run->url,
              error->message));
    } else if (status != SOUP_STATUS_NONE
        && status != SOUP_STATUS_SWITCHING_PROTOCOLS) {
      GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, OPEN_READ_WRITE, error,
          ("Could not connect to %s: the server answered HTTP %u %s "
              "instead of accepting the websocket", run->url, status,
              GST_STR_NULL (soup_message_get_reason_phrase (run->msg))));
    } else {
      GST_RTCBOT_ELEMENT_ERROR_FROM (self, RESOURCE, OPEN_READ_WRITE, error,
          ("Could not connect to %s: %s", run->url, error->message));
    }
    g_clear_error (&error);
    return;
  }
}

static gboolean
accept_any_certificate (SoupMessage * msg, GTlsCertificate * certificate,
    GTlsCertificateFlags errors, gpointer user_data)
{
  WsRun *run = user_data;

  GST_INFO_OBJECT (run->self, "accepting the certificate of %s despite "
      "errors 0x%x (tls-validation is off)", run->url, errors);
  return TRUE;
}

/* Soup thread: one connection attempt, with a new message each time. */
static void
connect_client (WsRun * run)
{
  g_clear_object (&run->msg);
  run->msg = soup_message_new_from_uri (SOUP_METHOD_GET, run->uri);
  gst_rtcbot_auth_add_bearer (run->msg, run->auth_token);
  if (!run->tls_validation)
    g_signal_connect (run->msg, "accept-certificate",
        G_CALLBACK (accept_any_certificate), run);
  run->connecting = TRUE;
  GST_DEBUG_OBJECT (run->self, "connecting to %s", run->url);
  soup_session_websocket_connect_async (run->session, run->msg, NULL, NULL,
      G_PRIORITY_DEFAULT, run->cancellable, on_connected, run);
}

gboolean
gst_rtcbot_websocket_bin_start_client (WsRun * run, GError ** error)
{
  /* bounds connecting and the opening handshakes (a wss:// URL to a
   * plain server would wait for ever); libsoup clears it on the websocket */
  run->session = soup_session_new_with_options ("timeout",
      CONNECT_TIMEOUT_S, NULL);
  run->cancellable = g_cancellable_new ();
  connect_client (run);
  return TRUE;
}

/* Client mode: @url with http(s) turned into ws(s), or NULL and @error. */
GUri *
gst_rtcbot_websocket_bin_parse_url (const gchar * url, GError ** error)
{
  GUri *uri, *ws;
  const gchar *scheme, *ws_scheme;

  if (url == NULL || *url == '\0') {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "no url set");
    return NULL;
  }
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, error);
  if (uri == NULL)
    return NULL;

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "ws") == 0
      || g_ascii_strcasecmp (scheme, "http") == 0)
    ws_scheme = "ws";
  else if (g_ascii_strcasecmp (scheme, "wss") == 0
      || g_ascii_strcasecmp (scheme, "https") == 0)
    ws_scheme = "wss";
  else {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
        "unsupported scheme '%s' (use ws, wss, http or https)", scheme);
    g_uri_unref (uri);
    return NULL;
  }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0') {
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
        "no host in the URL");
    g_uri_unref (uri);
    return NULL;
  }

  ws = g_uri_build (g_uri_get_flags (uri), ws_scheme, NULL,
      g_uri_get_host (uri), g_uri_get_port (uri),
      *g_uri_get_path (uri) ? g_uri_get_path (uri) : "/",
      g_uri_get_query (uri), NULL);
  g_uri_unref (uri);
  return ws;
}

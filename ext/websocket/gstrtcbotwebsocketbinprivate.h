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


#ifndef __GST_RTCBOT_WEBSOCKET_BIN_PRIVATE_H__
#define __GST_RTCBOT_WEBSOCKET_BIN_PRIVATE_H__

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "gstrtcbotwebsocketbin.h"

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_rtcbot_websocket_bin_debug);
#define GST_CAT_DEFAULT gst_rtcbot_websocket_bin_debug

/* how long a shutdown waits for the closing handshakes */
#define SHUTDOWN_TIMEOUT_US (1 * G_USEC_PER_SEC)
/* at most one invalid-message warning per this interval */
#define WARNING_INTERVAL_US (1 * G_USEC_PER_SEC)
#define EXCERPT_BYTES 32
/* client: connecting and the HTTP/TLS handshakes, seconds */
#define CONNECT_TIMEOUT_S 30
/* at most one connection warning (lost, refused, retrying, client refused
 * by max-peers) per this interval; the first one always */
#define CONNECTION_WARNING_INTERVAL_US (5 * G_USEC_PER_SEC)

typedef struct _WsRun WsRun;

/* One websocket connection. Soup thread only. */
typedef struct
{
  WsRun *run;
  SoupWebsocketConnection *conn;
  guint id;
  gchar *address;
  gchar *last_error;            /* why the connection broke, if it did */
  gchar *refusal;               /* why this side closed it, if it did */
} WsPeer;

typedef enum
{
  START_PENDING,
  START_OK,
  START_FAILED,
} WsStartState;

/* Everything of one READY->PAUSED ... PAUSED->READY cycle: the soup thread,
 * its context and the libsoup objects. Created and freed by the state
 * change thread; the fields below "soup thread only" are touched by the
 * soup thread alone. */
struct _WsRun
{
  GstRtcbotWebsocketBin *self;  /* not a ref: the run ends before self */
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;

  /* settings, copied at start */
  GstRtcbotWebsocketMode mode;
  gchar *url;                   /* as the user gave it */
  GUri *uri;                    /* ws:// or wss:// */
  gchar *host;
  guint port;
  gchar *path;
  gboolean json;
  guint64 max_message_size;
  gboolean reconnect;
  guint reconnect_min;          /* ms */
  guint reconnect_max;          /* ms */
  guint keepalive_interval;     /* s */
  gboolean tls_validation;
  guint max_peers;
  guint request_timeout;        /* s */
  gchar *auth_token;            /* never logged */
  gchar *allowed_origins;
  GTlsCertificate *tls;         /* server: wss:// */

  /* protects the start handshake with the state change thread (the
   * fields up to the next comment) */
  GMutex lock;
  GCond cond;
  WsStartState start_state;
  GError *start_error;
  guint bound_port;

  /* soup thread only */
  SoupServer *server;
  SoupSession *session;
  SoupMessage *msg;
  GCancellable *cancellable;
  gboolean connecting;
  GList *peers;                 /* WsPeer */
  guint next_peer_id;
  gboolean closing;             /* close action: no more connections */
  gboolean stopping;            /* shutdown: nothing reaches the elements */
  guint backoff;                /* ms, delay before the next reconnection */
  GSource *reconnect_source;    /* pending reconnection */
  gint64 last_connection_warning;

  /* attached for the whole run, dispatched when its ready time is set: one
   * pending drain at a time, re-armed by on_new_data() (any thread) */
  GSource *drain_source;
};

struct _GstRtcbotWebsocketBin
{
  GstRtcbotBin parent;

  gint drain_pending;           /* atomic: a drain is scheduled */

  /* protected by the object lock */
  GstRtcbotWebsocketMode mode;
  gchar *url;
  gchar *host;
  guint port;
  guint bound_port;
  gchar *path;
  gboolean json;
  guint64 max_message_size;
  gboolean reconnect;
  guint reconnect_min;
  guint reconnect_max;
  guint keepalive_interval;
  gboolean tls_validation;
  guint max_peers;
  guint request_timeout;
  gchar *auth_token;            /* never logged */
  gchar *allowed_origins;
  gchar *tls_certificate;
  gchar *tls_key;
  WsRun *run;                   /* set while the soup thread runs */
};

/* gstrtcbotwebsocketframe.c: what becomes of a received frame */
typedef enum
{
  WS_FRAME_OVERSIZE,            /* above max-message-size: refused */
  WS_FRAME_INVALID,             /* json and not one JSON value: dropped */
  WS_FRAME_JSON,                /* delivered as JSON */
  WS_FRAME_TEXT,                /* delivered as text */
  WS_FRAME_BYTES,               /* delivered as bytes */
} WsFrameKind;

gboolean gst_rtcbot_websocket_bin_check_text (const gchar * data, gsize size,
    GError ** error);
WsFrameKind gst_rtcbot_websocket_bin_classify_frame (gboolean json,
    guint64 max_message_size, gint type, const gchar * data, gsize size,
    GError ** error);

/* gstrtcbotwebsocketmessages.c: frames <-> buffers, JSON checks, warnings,
 * draining the outgoing messages */
void gst_rtcbot_websocket_bin_on_peer_message (SoupWebsocketConnection * conn,
    gint type, GBytes * message, gpointer user_data);
void gst_rtcbot_websocket_bin_drain (WsRun * run);
gboolean gst_rtcbot_websocket_bin_drain_cb (gpointer user_data);
extern GSourceFuncs gst_rtcbot_websocket_bin_drain_source_funcs;
gboolean gst_rtcbot_websocket_bin_invoke_on_soup_thread (GstRtcbotWebsocketBin
    * self, GSourceFunc func);
void gst_rtcbot_websocket_bin_send (GstRtcbotBin * bin);

/* gstrtcbotwebsocketserver.c: peers, the server */
gboolean gst_rtcbot_websocket_bin_connection_warning_allowed (WsRun * run);
void gst_rtcbot_websocket_bin_peer_free (gpointer user_data);
void gst_rtcbot_websocket_bin_refuse_oversize (WsPeer * peer, gsize size);
WsPeer *gst_rtcbot_websocket_bin_add_peer (WsRun * run,
    SoupWebsocketConnection * conn, gchar * address);
void gst_rtcbot_websocket_bin_close_peers (WsRun * run, gushort code,
    const gchar * reason);
gboolean gst_rtcbot_websocket_bin_start_server (WsRun * run, GError ** error);

/* gstrtcbotwebsocketclient.c: connecting, reconnecting, TLS */
guint gst_rtcbot_websocket_bin_schedule_reconnect (WsRun * run);
void gst_rtcbot_websocket_bin_cancel_reconnect (WsRun * run);
gboolean gst_rtcbot_websocket_bin_start_client (WsRun * run, GError ** error);
GUri *gst_rtcbot_websocket_bin_parse_url (const gchar * url, GError ** error);

/* gstrtcbotwebsocketrun.c: the soup thread */
gboolean gst_rtcbot_websocket_bin_close_cb (gpointer user_data);
gpointer gst_rtcbot_websocket_bin_soup_thread (gpointer user_data);
void gst_rtcbot_websocket_bin_ws_run_free (WsRun * run);

G_END_DECLS

#endif /* __GST_RTCBOT_WEBSOCKET_BIN_PRIVATE_H__ */

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

#ifndef __GST_RTCBOT_AUTH_H__
#define __GST_RTCBOT_AUTH_H__

#include "rtcbot-prelude.h"
#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The access checks shared by the servers of rtcbotwebsocketbin and
 * rtcbotwebrtcbin (auth-token, allowed-origins, tls-certificate/tls-key).
 * Compiled into each plugin that has a libsoup server. */

GST_RTCBOT_API
gboolean gst_rtcbot_auth_token_equal (const gchar * expected,
    const gchar * given);

GST_RTCBOT_API
guint gst_rtcbot_auth_check_request (SoupServerMessage * msg,
    GHashTable * query, const gchar * token, const gchar * allowed_origins,
    const gchar ** why);

GST_RTCBOT_API
void gst_rtcbot_auth_refuse (SoupServerMessage * msg, guint status,
    const gchar * why);

GST_RTCBOT_API
gboolean gst_rtcbot_auth_drop_body (SoupServerMessage * msg);

GST_RTCBOT_API
GTlsCertificate *gst_rtcbot_auth_load_certificate (const gchar * certificate,
    const gchar * key, GError ** error);

GST_RTCBOT_API
void gst_rtcbot_auth_add_bearer (SoupMessage * msg, const gchar * token);

G_END_DECLS
#endif /* __GST_RTCBOT_AUTH_H__ */

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

#ifndef __GST_RTCBOT_SERVER_TIMEOUTS_H__
#define __GST_RTCBOT_SERVER_TIMEOUTS_H__

#include "rtcbot-prelude.h"
#include <gst/gst.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Time limits on the connections of a SoupServer (libsoup 3.2 has none):
 * shared by the servers of rtcbotwebsocketbin and rtcbotwebrtcbin.
 * Compiled into each plugin that has a libsoup server. */

GST_RTCBOT_API
void gst_rtcbot_server_limit_time (SoupServer * server, GstObject * owner,
    guint request_timeout, guint websocket_idle_timeout);

G_END_DECLS
#endif /* __GST_RTCBOT_SERVER_TIMEOUTS_H__ */

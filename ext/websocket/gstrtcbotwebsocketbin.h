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


#ifndef __GST_RTCBOT_WEBSOCKET_BIN_H__
#define __GST_RTCBOT_WEBSOCKET_BIN_H__

#include <gst/gst.h>
#include <gst/rtcbot/gstrtcbotbin.h>

G_BEGIN_DECLS

/**
 * GstRtcbotWebsocketMode:
 * @GST_RTCBOT_WEBSOCKET_MODE_CLIENT: connect to `url`
 * @GST_RTCBOT_WEBSOCKET_MODE_SERVER: listen on `host`:`port` at `path`
 *
 * Since: 0.1
 */
typedef enum
{
  GST_RTCBOT_WEBSOCKET_MODE_CLIENT,
  GST_RTCBOT_WEBSOCKET_MODE_SERVER,
} GstRtcbotWebsocketMode;

#define GST_TYPE_RTCBOT_WEBSOCKET_MODE (gst_rtcbot_websocket_mode_get_type ())
GType gst_rtcbot_websocket_mode_get_type (void);

#define GST_TYPE_RTCBOT_WEBSOCKET_BIN (gst_rtcbot_websocket_bin_get_type ())
G_DECLARE_FINAL_TYPE (GstRtcbotWebsocketBin, gst_rtcbot_websocket_bin, GST,
    RTCBOT_WEBSOCKET_BIN, GstRtcbotBin);

GST_ELEMENT_REGISTER_DECLARE (rtcbotwebsocketbin);

G_END_DECLS

#endif /* __GST_RTCBOT_WEBSOCKET_BIN_H__ */

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

/* The bandwidth estimator's feedback path (ext/webrtc/gstrtcbotcongestion.c),
 * which sees what every peer sends back: the input is read as a sequence
 * of records, each a kind byte and its fields, fed as REMB blocks (parsed
 * by gst_rtcbot_congestion_parse_remb), receiver reports, transport-wide
 * packet reports, generic NACKs and sent packets, with arbitrary times
 * (zero, huge, backwards, wrapped). Besides memory errors and UB it checks
 * what the header promises: the target never leaves [min, max], and the
 * stats are always there. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "fuzz.h"
#include "gstrtcbotcongestion.h"

#define MIN_BITRATE 50000
#define MAX_BITRATE 3000000

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  return 0;
}

typedef struct
{
  const uint8_t *data;
  size_t size;
} Reader;

static guint64
take (Reader * r, guint bytes)
{
  guint64 v = 0;

  while (bytes-- > 0 && r->size > 0) {
    v = (v << 8) | *r->data++;
    r->size--;
  }
  return v;
}

/* A length byte, then up to that many bytes (at most @max) into @out;
 * returns how many. */
static guint
take_bytes (Reader * r, guint8 * out, gsize max)
{
  gsize n = take (r, 1);

  /* MIN evaluates its arguments twice */
  n = MIN (n, MIN (max, r->size));
  memcpy (out, r->data, n);
  r->data += n;
  r->size -= n;
  return n;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GstRtcbotCongestion *cc = gst_rtcbot_congestion_new (MIN_BITRATE,
      MAX_BITRATE, 500000);
  GstRtcbotCongestionPacket packets[32];
  Reader r = { data, size };
  GstStructure *stats;
  GstClockTime latest = 0, hold;

  while (r.size > 0) {
    guint kind = take (&r, 1) % 5, n, i;
    GstClockTime now = take (&r, 8);

    switch (kind) {
      case 0:{
        guint8 fci[64];
        guint64 bitrate;
        guint32 ssrcs[4];
        guint n_ssrcs;

        n = take_bytes (&r, fci, sizeof (fci));
        if (gst_rtcbot_congestion_parse_remb (fci, n, &bitrate, ssrcs, 4,
                &n_ssrcs)) {
          FUZZ_CHECK (n_ssrcs <= 4 && n_ssrcs <= fci[4]);
          gst_rtcbot_congestion_on_remb (cc, now, bitrate);
        }
        break;
      }
      case 1:
        gst_rtcbot_congestion_on_receiver_report (cc, now, take (&r, 1),
            (gint32) take (&r, 3) - 1, take (&r, 8));
        break;
      case 2:
        n = take (&r, 1) % (G_N_ELEMENTS (packets) + 1);
        for (i = 0; i < n; i++) {
          packets[i].send_time = take (&r, 8);
          packets[i].arrival_time = take (&r, 8);
          packets[i].size = take (&r, 4);
        }
        gst_rtcbot_congestion_on_packets (cc, now, packets, n);
        break;
      case 3:{
        guint8 fci[64];

        n = take_bytes (&r, fci, sizeof (fci));
        gst_rtcbot_congestion_on_nack (cc, now, fci, n);
        break;
      }
      default:{
        /* a probe pads up to 1.2 times the maximum, for 150 ms at most
         * since the frame before */
        guint padding = gst_rtcbot_congestion_probe_padding (cc, now);

        FUZZ_CHECK (padding <= MAX_BITRATE * 1.2 * 0.15 / 8 + 1);
        n = take (&r, 4);
        gst_rtcbot_congestion_on_sent (cc, now, n + padding);
        gst_rtcbot_congestion_on_sent_video (cc, now, take (&r, 2), n);
        break;
      }
    }
    FUZZ_CHECK (gst_rtcbot_congestion_get_target (cc) >= MIN_BITRATE);
    FUZZ_CHECK (gst_rtcbot_congestion_get_target (cc) <= MAX_BITRATE);
    /* media is never held for more than 700 ms past a report */
    latest = MAX (latest, now);
    hold = gst_rtcbot_congestion_get_hold (cc);
    FUZZ_CHECK (!GST_CLOCK_TIME_IS_VALID (hold) || hold <= latest
        || hold - latest <= 700 * GST_MSECOND);
  }
  stats = gst_rtcbot_congestion_get_stats (cc, take (&r, 8));
  FUZZ_CHECK (stats != NULL);
  gst_structure_free (stats);
  gst_rtcbot_congestion_free (cc);
  return 0;
}

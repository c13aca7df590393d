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


/* gst-rtcbot-isolate-hostile: a test-only stand-in for gst-rtcbot-isolate
 * that breaks the protocol on purpose, so the tests can check that a
 * compromised or buggy child cannot crash, hang or leak the element.
 * Started by the element like the real helper (GST_RTCBOT_HELPER):
 *
 *   gst-rtcbot-isolate-hostile source|sink PARENT_PID BEHAVIOUR
 *
 * with the socket as fd 3; BEHAVIOUR is one of the names in main (). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "gstrtcbotchannel.h"

#define CHANNEL_FD 3
#define BIG_FRAME (64 * 1024)

/* Sends one raw datagram, with up to two descriptors. */
static gboolean
send_raw (const GstRtcbotChannelHeader * header, gconstpointer payload,
    gsize size, const gint * fds, guint n_fds)
{
  struct iovec iov[2];
  struct msghdr mh = { 0, };
  union
  {
    struct cmsghdr align;
    gchar buf[CMSG_SPACE (2 * sizeof (gint))];
  }
  control;

  iov[0].iov_base = (gpointer) header;
  iov[0].iov_len = sizeof (*header);
  iov[1].iov_base = (gpointer) payload;
  iov[1].iov_len = size;
  mh.msg_iov = iov;
  mh.msg_iovlen = size ? 2 : 1;
  if (n_fds > 0) {
    struct cmsghdr *cmsg;

    memset (&control, 0, sizeof (control));
    mh.msg_control = control.buf;
    mh.msg_controllen = CMSG_SPACE (n_fds * sizeof (gint));
    cmsg = CMSG_FIRSTHDR (&mh);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN (n_fds * sizeof (gint));
    memcpy (CMSG_DATA (cmsg), fds, n_fds * sizeof (gint));
  }
  return sendmsg (CHANNEL_FD, &mh, MSG_NOSIGNAL) >= 0;
}

static void
send_type (GstRtcbotChannelType type, guint64 value)
{
  GstRtcbotChannelHeader header = { 0, };

  header.type = type;
  header.value = value;
  send_raw (&header, NULL, 0, NULL, 0);
}

static void
send_caps (const gchar * caps)
{
  GstRtcbotChannelHeader header = { 0, };

  header.type = GST_RTCBOT_CHANNEL_CAPS;
  header.size = strlen (caps) + 1;
  send_raw (&header, caps, header.size, NULL, 0);
}

static void
send_inline_buffer (void)
{
  GstRtcbotChannelHeader header = { 0, };
  guint8 data[100] = { 0, };

  header.type = GST_RTCBOT_CHANNEL_BUFFER;
  header.slot = GST_RTCBOT_CHANNEL_SLOT_INLINE;
  header.size = sizeof (data);
  header.pts = 0;
  header.dts = header.duration = GST_CLOCK_TIME_NONE;
  header.offset = header.offset_end = GST_BUFFER_OFFSET_NONE;
  send_raw (&header, data, sizeof (data), NULL, 0);
}

/* A memfd of @size bytes, with @seals added. */
static gint
frame_fd (gsize size, guint seals)
{
  gint fd = memfd_create ("hostile-frame", MFD_CLOEXEC | MFD_ALLOW_SEALING);

  if (fd < 0 || ftruncate (fd, size) < 0)
    _exit (70);
  if (seals && fcntl (fd, F_ADD_SEALS, seals) < 0)
    _exit (70);
  return fd;
}

/* A frame in pool @slot, its memfd of @real bytes announced as holding
 * @announced. */
static gboolean
send_slot_buffer (gint slot, gint fd, gsize announced)
{
  GstRtcbotChannelHeader header = { 0, };

  header.type = GST_RTCBOT_CHANNEL_BUFFER;
  header.slot = slot;
  header.size = announced;
  header.value = announced;
  header.pts = header.dts = header.duration = GST_CLOCK_TIME_NONE;
  header.offset = header.offset_end = GST_BUFFER_OFFSET_NONE;
  return send_raw (&header, NULL, 0, &fd, fd >= 0 ? 1 : 0);
}

/* Reads (and ignores) until the element closes the socket. */
static void
drain (void)
{
  gchar buf[256];

  while (recv (CHANNEL_FD, buf, sizeof (buf), 0) > 0);
  _exit (0);
}

int
main (int argc, char **argv)
{
  const gchar *behaviour;

  if (argc != 4)
    return 64;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  behaviour = argv[3];
  send_type (GST_RTCBOT_CHANNEL_HELLO, g_str_equal (behaviour, "old-version")
      ? 1 : GST_RTCBOT_CHANNEL_VERSION);

  if (g_str_equal (behaviour, "short-memfd")) {
    /* sealed, but far smaller than it claims */
    send_slot_buffer (0, frame_fd (4096, F_SEAL_SHRINK | F_SEAL_GROW),
        8 * 1024 * 1024);
    drain ();
  } else if (g_str_equal (behaviour, "unsealed-memfd")) {
    /* large enough now, but it could be shrunk under the mapping */
    send_slot_buffer (0, frame_fd (8 * 1024 * 1024, 0), 8 * 1024 * 1024);
    drain ();
  } else if (g_str_equal (behaviour, "two-fds")) {
    guint i;

    for (i = 0; i < 20; i++) {
      GstRtcbotChannelHeader header = { 0, };
      gint fds[2];

      fds[0] = frame_fd (4096, 0);
      fds[1] = frame_fd (4096, 0);
      header.type = GST_RTCBOT_CHANNEL_WARNING;
      header.size = 3;
      send_raw (&header, "\0\0\0", 3, fds, 2);
      close (fds[0]);
      close (fds[1]);
    }
    drain ();
  } else if (g_str_equal (behaviour, "any-caps")) {
    send_caps ("ANY");
    send_inline_buffer ();
    drain ();
  } else if (g_str_equal (behaviour, "unfixed-caps")) {
    send_caps ("video/x-raw, width=(int)[ 1, 100 ]");
    send_inline_buffer ();
    drain ();
  } else if (g_str_equal (behaviour, "zero-rate")) {
    GstRtcbotChannelHeader header = { 0, };
    GstSegment segment;

    send_caps ("application/x-hostile");
    gst_segment_init (&segment, GST_FORMAT_TIME);
    segment.rate = 0.0;
    header.type = GST_RTCBOT_CHANNEL_SEGMENT;
    header.size = sizeof (segment);
    send_raw (&header, &segment, sizeof (segment), NULL, 0);
    send_inline_buffer ();
    drain ();
  } else if (g_str_equal (behaviour, "no-read")) {
    gint fds[GST_RTCBOT_CHANNEL_POOL_SLOTS];
    gint slot;
    guint i;

    /* frames in every slot, round and round, never reading a RELEASE;
     * then it just sits there */
    for (slot = 0; slot < GST_RTCBOT_CHANNEL_POOL_SLOTS; slot++)
      fds[slot] = frame_fd (BIG_FRAME, F_SEAL_SHRINK | F_SEAL_GROW);
    for (i = 0; i < 100000; i++) {
      slot = i % GST_RTCBOT_CHANNEL_POOL_SLOTS;
      if (!send_slot_buffer (slot, i < GST_RTCBOT_CHANNEL_POOL_SLOTS ?
              fds[slot] : -1, BIG_FRAME))
        break;
    }
    for (;;)
      pause ();
  } else if (g_str_equal (behaviour, "silent")) {
    /* said HELLO, then neither reads nor writes */
    for (;;)
      pause ();
  } else if (g_str_equal (behaviour, "old-version")) {
    drain ();
  }
  return 65;
}

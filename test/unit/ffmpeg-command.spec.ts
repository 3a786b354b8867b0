import { classifyLogLine, failureReason, ffmpegArguments, parseDuration, parseOutputStream } from '../../src/camera/ffmpeg/ffmpeg-command';

describe('the FFmpeg command line of a camera', () => {
  it('paces and loops a file only when asked, and always writes packed BGR to a Unix socket it listens on', () => {
    const paced = ffmpegArguments({ kind: 'file', path: '/v/a.mp4' }, { loop: true, paced: true }, '/tmp/x/frames.sock');
    expect(paced.join(' ')).toContain('-re -stream_loop -1 -i /v/a.mp4');
    expect(paced.slice(-7)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'bgr24', '-listen', '1', 'unix:/tmp/x/frames.sock']);
    const fast = ffmpegArguments({ kind: 'file', path: '/v/a.mp4' }, { loop: false, paced: false }, '/tmp/x/frames.sock');
    expect(fast).not.toContain('-re');
    expect(fast).not.toContain('-stream_loop');
  });

  it('reads devices with v4l2 and RTSP over TCP, and never buffers live sources', () => {
    expect(ffmpegArguments({ kind: 'device', index: 2 }, { loop: true, paced: true }, '/tmp/x/frames.sock').join(' ')).toContain('-f v4l2 -i /dev/video2');
    const rtsp = ffmpegArguments({ kind: 'url', url: 'rtsp://u:p@cam/1' }, { loop: true, paced: true }, '/tmp/x/frames.sock').join(' ');
    expect(rtsp).toContain('-rtsp_transport tcp');
    expect(rtsp).toContain('-fflags nobuffer');
    expect(rtsp).not.toContain('-re ');
    expect(ffmpegArguments({ kind: 'url', url: 'http://cam/video.mjpg' }, { loop: true, paced: true }, '/tmp/x/frames.sock').join(' ')).not.toContain('rtsp_transport');
  });
});

describe('reading what FFmpeg says', () => {
  const output =
    '  Stream #0:0(und): Video: rawvideo (BGR[24] / 0x18524742), bgr24(pc, gbr/unknown/unknown, progressive), 1280x720 [SAR 2253:2252 DAR 3004:1689], q=2-31, 552960 kb/s, 25 fps, 25 tbn (default)';

  it('finds size and frame rate in the output stream line, and only there', () => {
    expect(parseOutputStream(output)).toEqual({ width: 1280, height: 720, fps: 25 });
    expect(classifyLogLine(output)).toBe('output-stream');
    const input = '  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt470bg/unknown/unknown, progressive), 1280x720, 1630 kb/s, 25 fps';
    expect(parseOutputStream(input)).toBeUndefined();
    expect(parseOutputStream(output.replace('25 fps, ', ''))).toEqual({ width: 1280, height: 720, fps: 25 });
    expect(parseOutputStream(output.replace('25 fps', '29.97 fps'))?.fps).toBeCloseTo(29.97);
    expect(parseOutputStream(output.replace('25 fps', '1000 fps'))?.fps).toBe(25);
  });

  it('tells corrupt frames, decoder warnings and failures apart', () => {
    expect(classifyLogLine('Error while decoding stream #0:0: Invalid data found when processing input')).toBe('corrupt-frame');
    expect(classifyLogLine('[mjpeg @ 0x55d0c8a0] bits 62 is invalid')).toBe('decoder-warning');
    expect(classifyLogLine('/nonexistent/video.mp4: No such file or directory')).toBe('error');
    expect(classifyLogLine('http://127.0.0.1:9/x: Connection refused')).toBe('error');
    expect(classifyLogLine('  Metadata:')).toBe('other');
  });

  it('reads the input duration of files, not of live streams', () => {
    expect(parseDuration('  Duration: 00:00:10.00, start: 0.000000, bitrate: 1633 kb/s')).toBe(10);
    expect(parseDuration('  Duration: 01:02:03.50, start: 0')).toBe(3723.5);
    expect(parseDuration('  Duration: N/A, start: 0.000000, bitrate: N/A')).toBeUndefined();
  });

  it('never repeats URL credentials in a failure reason', () => {
    expect(failureReason('rtsp://admin:secret@10.0.0.2/1: Connection refused', '1')).toBe('rtsp://***@10.0.0.2/1: Connection refused');
    expect(failureReason(undefined, 'SIGKILL')).toBe('ffmpeg exited (SIGKILL)');
  });
});

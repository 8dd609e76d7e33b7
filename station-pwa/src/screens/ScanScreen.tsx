/**
 * The camera scanner, loaded only when opened (it brings the 1 MB QR decoder). Frames go
 * to the BarcodeDetector ponyfill on zxing-wasm, served from this app (precached by the
 * service worker), never from a CDN. The first QR found is handed on; manual entry is one
 * tap away.
 */
import { BarcodeDetector, prepareZXingModule } from 'barcode-detector/ponyfill';
import zxingWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';

prepareZXingModule({
  overrides: {
    locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? zxingWasmUrl : prefix + path),
  },
});

type CameraState = 'starting' | 'running' | 'unavailable';

/** Absent on insecure origins and old browsers (the types say it is always there). */
const cameraApi = (): MediaDevices | undefined =>
  (navigator as { mediaDevices?: MediaDevices }).mediaDevices ?? undefined;

interface TorchCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
}

export default function ScanScreen({
  onScanned,
  onCancel,
}: {
  onScanned: (text: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  // No camera API at all (an insecure origin, an old browser): say so at once.
  const [state, setState] = useState<CameraState>(() => (cameraApi() ? 'starting' : 'unavailable'));
  const [track, setTrack] = useState<MediaStreamTrack | undefined>();
  const [torch, setTorch] = useState(false);
  const done = useRef(onScanned);
  useEffect(() => {
    done.current = onScanned;
  });

  useEffect(() => {
    let stream: MediaStream | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const detector = new BarcodeDetector({ formats: ['qr_code'] });

    async function scan() {
      if (stopped || !video.current) return;
      try {
        if (video.current.readyState >= 2) {
          const [found] = await detector.detect(video.current);
          if (found?.rawValue && !stopped) {
            stopped = true;
            navigator.vibrate?.(50);
            done.current(found.rawValue);
            return;
          }
        }
      } catch {
        // A frame the decoder could not read: try the next one.
      }
      timer = setTimeout(() => void scan(), 120);
    }

    const camera = cameraApi();
    if (camera) {
      camera
        .getUserMedia({ video: { facingMode: 'environment', width: { ideal: 1280 } }, audio: false })
        .then(async (media) => {
          stream = media;
          if (stopped || !video.current) return;
          video.current.srcObject = media;
          await video.current.play().catch(() => undefined);
          setTrack(media.getVideoTracks()[0]);
          setState('running');
          void scan();
        })
        .catch(() => setState('unavailable'));
    }

    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  const canTorch = Boolean((track?.getCapabilities?.() as TorchCapabilities | undefined)?.torch);
  async function toggleTorch() {
    if (!track) return;
    const next = !torch;
    await track.applyConstraints({ advanced: [{ torch: next } as MediaTrackConstraintSet] }).catch(() => undefined);
    setTorch(next);
  }

  return (
    <section className="scan" aria-labelledby="scan-title">
      <h2 id="scan-title">{t('scan')}</h2>
      {state === 'unavailable' ? (
        <p role="alert" className="error">
          {t('camera_denied')}
        </p>
      ) : (
        <>
          <div className="viewfinder">
            <video ref={video} muted playsInline aria-label={t('camera_hint')} />
            <div className="aim" aria-hidden="true" />
          </div>
          <p className="muted" role="status">
            {state === 'starting' ? t('camera_starting') : t('camera_hint')}
          </p>
        </>
      )}
      <div className="row">
        {canTorch && (
          <button type="button" className="secondary" aria-pressed={torch} onClick={() => void toggleTorch()}>
            {torch ? t('torch_off') : t('torch_on')}
          </button>
        )}
        <button type="button" className="big secondary" onClick={onCancel}>
          {t('type_instead')}
        </button>
      </div>
    </section>
  );
}

/**
 * A quote's documents, one at a time: images and PDFs drawn inline, zoomed and rotated
 * with the toolbar or the keyboard (+, -, 0 to fit, R and Shift+R to rotate) while the
 * viewer has focus. Zoom is relative to "fit the width"; a PDF is drawn by pdf.js onto
 * canvases (loaded only when a PDF is opened), so rotation and zoom work the same on both.
 */
import type { TQuoteDocument } from '@easymo/contracts';
import type { PDFDocumentProxy as PdfDocument } from 'pdfjs-dist';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { EmptyState } from '../../components/states.tsx';

const ZOOMS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4] as const;
const FIT_INDEX = 2;

export function DocumentViewer({ documents }: { documents: TQuoteDocument[] }) {
  const [selected, setSelected] = useState(0);
  const [zoomIndex, setZoomIndex] = useState(FIT_INDEX);
  const [rotation, setRotation] = useState(0);
  const [stage, setStage] = useState<HTMLDivElement | null>(null);
  const width = useWidth(stage);
  const ids = useId();
  const current = documents[Math.min(selected, documents.length - 1)];

  function open(index: number) {
    setSelected(index);
    setZoomIndex(FIT_INDEX);
    setRotation(0);
  }
  const zoomIn = () => setZoomIndex((i) => Math.min(ZOOMS.length - 1, i + 1));
  const zoomOut = () => setZoomIndex((i) => Math.max(0, i - 1));
  const rotate = (by: 90 | -90) => setRotation((r) => (r + by + 360) % 360);

  function onKeyDown(event: KeyboardEvent) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key;
    if (key === '+' || key === '=') zoomIn();
    else if (key === '-') zoomOut();
    else if (key === '0') setZoomIndex(FIT_INDEX);
    else if (key === 'r') rotate(90);
    else if (key === 'R') rotate(-90);
    else return;
    event.preventDefault();
  }

  // Tabs as ARIA describes them: one tab stop, arrows (and Home/End) move between documents.
  function onTabKey(event: KeyboardEvent<HTMLDivElement>) {
    const last = documents.length - 1;
    const at = Math.min(selected, last);
    const next =
      event.key === 'ArrowRight'
        ? (at + 1) % (last + 1)
        : event.key === 'ArrowLeft'
          ? (at + last) % (last + 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    open(next);
    event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="tab"]')[next]?.focus();
  }

  if (!current) return <EmptyState title="No documents">The driver has not uploaded any document yet.</EmptyState>;
  const zoom = ZOOMS[zoomIndex] ?? 1;

  return (
    <section className="document-viewer card" aria-label="Documents" data-testid="document-viewer">
      <div className="document-tabs" role="tablist" aria-label="Documents" onKeyDown={onTabKey}>
        {documents.map((doc, index) => (
          <button
            key={doc.path}
            type="button"
            role="tab"
            id={`${ids}-tab-${index}`}
            aria-controls={`${ids}-panel`}
            aria-selected={doc === current}
            tabIndex={doc === current ? 0 : -1}
            className={doc === current ? 'document-tab current' : 'document-tab'}
            onClick={() => open(index)}
          >
            {doc.name}
            <span className="muted"> · {doc.kind === 'pdf' ? 'PDF' : doc.kind === 'image' ? 'image' : 'file'}</span>
          </button>
        ))}
      </div>
      <div className="document-toolbar" role="toolbar" aria-label="View">
        <button type="button" className="secondary" onClick={zoomOut} disabled={zoomIndex === 0} aria-label="Zoom out">
          −
        </button>
        <span className="document-zoom" data-testid="document-zoom">
          {Math.round(zoom * 100)}%
        </span>
        <button
          type="button"
          className="secondary"
          onClick={zoomIn}
          disabled={zoomIndex === ZOOMS.length - 1}
          aria-label="Zoom in"
        >
          +
        </button>
        <button type="button" className="secondary" onClick={() => setZoomIndex(FIT_INDEX)}>
          Fit
        </button>
        <button type="button" className="secondary" onClick={() => rotate(-90)} aria-label="Rotate left">
          ↺
        </button>
        <button type="button" className="secondary" onClick={() => rotate(90)} aria-label="Rotate right">
          ↻
        </button>
        {current.url && (
          <a href={current.url} target="_blank" rel="noreferrer" className="document-original">
            Open original
          </a>
        )}
      </div>
      <p className="visually-hidden" id={`${ids}-keys`}>
        Keys: plus and minus zoom, 0 fits the width, R turns right, Shift and R turns left.
      </p>
      <p className="visually-hidden" aria-live="polite">
        {`${current.name}: ${Math.round(zoom * 100)}%, turned ${rotation}°`}
      </p>
      <div
        ref={setStage}
        className="document-stage"
        role="tabpanel"
        id={`${ids}-panel`}
        aria-labelledby={`${ids}-tab-${Math.min(selected, documents.length - 1)}`}
        aria-describedby={`${ids}-keys`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="document-stage"
        data-zoom={zoom}
        data-rotation={rotation}
      >
        {!current.url ? (
          <EmptyState title="Not stored">
            The quote lists {current.name}, but the docs bucket has no such file. Ask the driver to send it again.
          </EmptyState>
        ) : current.kind === 'image' ? (
          <RotatedImage key={current.path} doc={current} width={width} zoom={zoom} rotation={rotation} />
        ) : current.kind === 'pdf' ? (
          <PdfPages key={current.path} url={current.url} width={width} zoom={zoom} rotation={rotation} />
        ) : (
          <EmptyState title="No preview">
            This file type is not shown inline. <a href={current.url}>Download {current.name}</a>.
          </EmptyState>
        )}
      </div>
    </section>
  );
}

/** The stage's inner width, followed as the window resizes, for "fit the width". */
function useWidth(element: HTMLElement | null): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width ?? 0));
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return width;
}

interface View {
  /** The stage's width in CSS pixels (0 until measured). */
  width: number;
  zoom: number;
  rotation: number;
}

function RotatedImage({ doc, width, zoom, rotation }: View & { doc: TQuoteDocument }) {
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  // Failed for this URL: the quote's refresh brings a freshly signed one, which is tried again.
  const [failedUrl, setFailedUrl] = useState<string | null>(null);
  const failed = failedUrl !== null && failedUrl === doc.url;
  const sideways = rotation % 180 !== 0;

  // Fit: the rotated image's width fills the stage (never enlarged past its own size).
  const fit = natural && width > 0 ? Math.min(1, (width - 16) / (sideways ? natural.h : natural.w)) : 1;
  const w = (natural?.w ?? 0) * fit * zoom;
  const h = (natural?.h ?? 0) * fit * zoom;

  if (failed) {
    return (
      <EmptyState title="Could not load the image">
        The link may have expired: reload the page for a fresh one.
      </EmptyState>
    );
  }
  return (
    <div className="rotated-box" style={natural ? { width: sideways ? h : w, height: sideways ? w : h } : undefined}>
      <img
        src={doc.url ?? undefined}
        alt={doc.name}
        data-testid="document-image"
        onLoad={(event) => setNatural({ w: event.currentTarget.naturalWidth, h: event.currentTarget.naturalHeight })}
        onError={() => setFailedUrl(doc.url)}
        style={
          natural
            ? { width: w, height: h, transform: `translate(-50%, -50%) rotate(${rotation}deg)` }
            : { visibility: 'hidden' }
        }
      />
    </div>
  );
}

/** Reads pdf.js on first use (it is large), with its worker from the same build. */
async function loadPdfJs() {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  return pdfjs;
}

/** At most this many pages are drawn; insurance papers are a page or two. */
const MAX_PAGES = 10;

function PdfPages({ url, width, zoom, rotation }: View & { url: string }) {
  const [pdf, setPdf] = useState<PdfDocument | null>(null);
  const [error, setError] = useState<string | null>(null);

  // The document being read (destroyed when another is read, and on unmount).
  const task = useRef<{ destroy(): Promise<void> } | null>(null);
  useEffect(() => () => void task.current?.destroy(), []);

  // Read once: the quote's refresh brings freshly signed URLs every few minutes, which
  // change nothing once the PDF is read, but are tried again after a failure.
  useEffect(() => {
    if (pdf) return;
    let cancelled = false;
    (async () => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`the document link answered ${response.status}`);
      const data = new Uint8Array(await response.arrayBuffer());
      const pdfjs = await loadPdfJs();
      if (cancelled) return;
      void task.current?.destroy();
      const loading = pdfjs.getDocument({ data });
      task.current = loading;
      const loaded = await loading.promise;
      if (!cancelled) {
        setError(null);
        setPdf(loaded);
      }
    })().catch((e: unknown) => {
      if (!cancelled) setError(e instanceof Error ? e.message : String(e));
    });
    return () => {
      cancelled = true;
    };
  }, [url, pdf]);

  if (error) {
    return (
      <EmptyState title="Could not open the PDF">
        {error}. The link may have expired: a fresh one is fetched within a few minutes, or reload the page.
      </EmptyState>
    );
  }
  if (!pdf) return <p className="muted loading">Opening the PDF…</p>;
  const pages = Array.from({ length: Math.min(pdf.numPages, MAX_PAGES) }, (_, i) => i + 1);
  return (
    <div className="pdf-pages">
      {pages.map((n) => (
        <PdfPage key={n} pdf={pdf} number={n} width={width} zoom={zoom} rotation={rotation} />
      ))}
      {pdf.numPages > MAX_PAGES && (
        <p className="muted">
          Showing {MAX_PAGES} of {pdf.numPages} pages: open the original for the rest.
        </p>
      )}
    </div>
  );
}

function PdfPage({ pdf, number, width, zoom, rotation }: View & { pdf: PdfDocument; number: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [rendered, setRendered] = useState(false);

  useEffect(() => {
    const element = canvas.current;
    if (!element || width === 0) return;
    let task: { cancel(): void; promise: Promise<void> } | null = null;
    let cancelled = false;
    void (async () => {
      const page = await pdf.getPage(number);
      if (cancelled) return;
      // A page's own /Rotate comes first: the viewer's turn is added to it, not put in its place.
      const turn = (page.rotate + rotation) % 360;
      const natural = page.getViewport({ scale: 1, rotation: turn });
      const fit = (width - 16) / natural.width;
      const viewport = page.getViewport({ scale: fit * zoom, rotation: turn });
      const ratio = window.devicePixelRatio || 1;
      element.width = Math.floor(viewport.width * ratio);
      element.height = Math.floor(viewport.height * ratio);
      element.style.width = `${Math.floor(viewport.width)}px`;
      element.style.height = `${Math.floor(viewport.height)}px`;
      task = page.render({
        canvas: element,
        viewport,
        transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
      });
      await task.promise;
      if (!cancelled) setRendered(true);
    })().catch(() => {
      // A render cancelled by a newer zoom or rotation; the newer one draws.
    });
    return () => {
      cancelled = true;
      task?.cancel();
    };
  }, [pdf, number, zoom, rotation, width]);

  return (
    <canvas
      ref={canvas}
      className="pdf-page"
      data-testid="pdf-page"
      data-rendered={rendered}
      aria-label={`Page ${number}`}
      role="img"
    />
  );
}

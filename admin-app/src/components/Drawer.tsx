/**
 * A side panel over a list (detail views): Escape or the close button closes it. An
 * Escape meant for a dialog opened from the drawer closes only that dialog.
 */
import { useEffect, useRef, type ReactNode } from 'react';

export function Drawer({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('dialog[open]')) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <aside ref={ref} className="drawer" role="dialog" aria-modal="false" aria-labelledby="drawer-title" tabIndex={-1}>
      <header className="drawer-head">
        <h2 id="drawer-title">{title}</h2>
        <button type="button" className="link" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="drawer-body">{children}</div>
    </aside>
  );
}

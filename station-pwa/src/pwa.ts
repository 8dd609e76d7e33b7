/**
 * The service worker, registered once at start (on every screen, signed in or not, so
 * the shell is cached before the first offline day). A new version waits for the
 * operator ('prompt'): `useUpdateReady` says one is waiting, `applyUpdate` reloads into it.
 */
import { useSyncExternalStore } from 'react';
import { registerSW } from 'virtual:pwa-register';

let ready = false;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((listener) => listener());

const updateServiceWorker = registerSW({
  onNeedRefresh() {
    ready = true;
    emit();
  },
});

export function useUpdateReady(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => ready,
  );
}

export function applyUpdate(): void {
  // workbox-window reloads only for updates it found itself at registration; one the
  // browser found later (the usual case on a tablet left open all day) takes control
  // without a reload. Reload when the new worker takes over, whoever found it.
  navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
  void updateServiceWorker(true);
}

export function dismissUpdate(): void {
  ready = false;
  emit();
}

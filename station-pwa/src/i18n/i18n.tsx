import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { CATALOGS, type Language, type MessageKey } from './catalogs.ts';
import { formatRwf, translate } from './format.ts';

const STORAGE_KEY = 'easymo-station-language';

interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  rwf: (amount: number) => string;
}

const I18nContext = createContext<I18n | undefined>(undefined);

function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && saved in CATALOGS) return saved as Language;
  const browser = navigator.language.slice(0, 2);
  return browser in CATALOGS ? (browser as Language) : 'en';
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setState] = useState<Language>(initialLanguage);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    document.documentElement.lang = next;
    setState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage,
      t: (key, vars) => translate(language, key, vars),
      rwf: (amount) => formatRwf(amount, language),
    }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}

/**
 * A search field whose text reaches the URL after a short pause in typing, not on every
 * key; when the URL changes without typing (Back, a shared link), it shows what the URL says.
 */
import { useEffect, useState } from 'react';

export function SearchBox({
  label,
  placeholder,
  value,
  onChange,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (q: string) => void;
}) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    setSeen(value);
    setText(value);
  }
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onChange(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text, value, onChange]);
  return (
    <label>
      {label}
      <input type="search" placeholder={placeholder} value={text} onChange={(e) => setText(e.target.value)} />
    </label>
  );
}

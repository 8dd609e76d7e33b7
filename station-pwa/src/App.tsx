import { I18nProvider } from './i18n/i18n.tsx';
import { SignInScreen } from './SignInScreen.tsx';
import { StationApp } from './StationApp.tsx';
import { useOperator } from './session.ts';

export function App() {
  return (
    <I18nProvider>
      <Gate />
    </I18nProvider>
  );
}

function Gate() {
  const operator = useOperator();
  if (operator === undefined) return null;
  return operator ? <StationApp operator={operator} /> : <SignInScreen />;
}

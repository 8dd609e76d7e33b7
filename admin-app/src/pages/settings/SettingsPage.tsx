/**
 * Programme settings: quiet hours, the send throttle, message templates, the opt-out list
 * and its keywords, and the Revolut link. Every admin reads them; only a super admin
 * changes them (the server decides; here the others see the values with nothing to
 * press). Each editor checks its value with the schema the server uses
 * (EDITABLE_SETTINGS[key]) and saves only its own key.
 */
import { ErrorNotice, Loading } from '../../components/states.tsx';
import { useSettingsQuery } from '../../data/settings/settings-query.ts';
import { useCan } from '../../shell/access.tsx';
import { OptOutKeywordsEditor } from './OptOutKeywordsEditor.tsx';
import { OptOutPanel } from './OptOutPanel.tsx';
import { QuietHoursEditor } from './QuietHoursEditor.tsx';
import { RevolutLinkEditor } from './RevolutLinkEditor.tsx';
import { SettingSection } from './SettingSection.tsx';
import { TemplatesEditor } from './TemplatesEditor.tsx';
import { ThrottleEditor } from './ThrottleEditor.tsx';
import { useSaveSetting } from './use-save-setting.ts';

export function SettingsPage() {
  const settings = useSettingsQuery();
  const canEdit = useCan('settings.edit');
  const quietHours = useSaveSetting('quiet_hours', 'Quiet hours');
  const throttle = useSaveSetting('send_throttle', 'Send throttle');
  const templates = useSaveSetting('templates', 'Templates');
  const revolut = useSaveSetting('revolut_link', 'Revolut link');
  const keywords = useSaveSetting('opt_out_keywords', 'Opt-out keywords');

  if (settings.isPending) return <Loading label="Loading settings…" />;
  if (settings.isError) return <ErrorNotice error={settings.error} onRetry={() => void settings.refetch()} />;
  const data = settings.data;
  const { changes } = data;
  // An editor starts again from the stored value once it changes (saved here or elsewhere).
  const version = (key: string) => changes[key]?.updated_at ?? 'never';

  return (
    <div className="page">
      <header className="page-head">
        <h1>Settings</h1>
      </header>
      {!canEdit && (
        <p className="notice" role="note" data-testid="settings-read-only">
          You can read these settings. Only a super admin can change them.
        </p>
      )}

      <SettingSection
        id="quiet-hours"
        title="Quiet hours"
        change={changes.quiet_hours}
        description="No one is messaged during these hours, in the local time of their number's country. A window may cross midnight. A country without a row has no quiet hours."
      >
        <QuietHoursEditor
          key={version('quiet_hours')}
          value={data.quiet_hours}
          readOnly={!canEdit}
          saving={quietHours.saving}
          serverErrors={quietHours.serverErrors}
          onSave={(value) => quietHours.save(value)}
        />
      </SettingSection>

      <div className="columns">
        <SettingSection
          id="send-throttle"
          title="Send throttle"
          change={changes.send_throttle}
          description="The most WhatsApp messages sent per minute, shared by every campaign and voucher send, to stay inside the provider's limits."
        >
          <ThrottleEditor
            key={version('send_throttle')}
            value={data.send_throttle}
            readOnly={!canEdit}
            saving={throttle.saving}
            serverErrors={throttle.serverErrors}
            onSave={(value) => throttle.save(value)}
          />
        </SettingSection>

        <SettingSection
          id="revolut-link"
          title="Revolut link"
          change={changes.revolut_link}
          description="Where people paying by Revolut are sent."
        >
          <RevolutLinkEditor
            key={version('revolut_link')}
            value={data.revolut_link}
            readOnly={!canEdit}
            saving={revolut.saving}
            serverErrors={revolut.serverErrors}
            onSave={(value) => revolut.save(value)}
          />
        </SettingSection>
      </div>

      <SettingSection
        id="templates"
        title="Message templates"
        change={changes.templates}
        description="The messages campaigns and voucher sends use. {{variables}} are filled in for each recipient."
      >
        <TemplatesEditor
          templates={data.templates}
          readOnly={!canEdit}
          saving={templates.saving}
          serverErrors={templates.serverErrors}
          onSave={(next, onSaved) => templates.save(next, onSaved)}
        />
      </SettingSection>

      <SettingSection
        id="opt-outs"
        title="Opt-out list"
        change={changes.opt_out_list}
        description="Numbers that asked to receive no messages. Campaigns and voucher sends skip them."
      >
        <OptOutPanel count={data.opt_out_count} canEdit={canEdit} />
      </SettingSection>

      <SettingSection
        id="opt-out-keywords"
        title="Opt-out keywords"
        change={changes.opt_out_keywords}
        description="A WhatsApp message that is exactly one of the stop words (any case, surrounding spaces and punctuation ignored) opts its sender out at once; a resume word opts them back in."
      >
        <OptOutKeywordsEditor
          key={version('opt_out_keywords')}
          value={data.opt_out_keywords}
          readOnly={!canEdit}
          saving={keywords.saving}
          serverErrors={keywords.serverErrors}
          onSave={(value) => keywords.save(value)}
        />
      </SettingSection>
    </div>
  );
}

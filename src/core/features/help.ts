import { escapeHtml } from '../presentation/markup.js';
import { unitOf } from '../identity.js';
import { workingDurationText } from '../reminders.js';
import { reply, type Scope } from '../scope.js';

/** /trogiup: help for the role of the chat it is asked in. */
export async function showHelp(scope: Scope): Promise<void> {
  const { t } = scope;
  const unit = unitOf(scope.chat, scope.person);
  const parts = [t('help-header')];
  switch (unit.role) {
    case 'commune': {
      const commune = unit.communeCode ? await scope.tx.commune.findUnique({ where: { code: unit.communeCode } }) : null;
      const { autoClose } = scope.settings;
      // Closing the loop, one line each, with the durations this province configured.
      const closure = [
        t('help-commune-satisfaction'),
        t('help-commune-auto-close', {
          after: workingDurationText(t, autoClose.after, scope.settings),
          reopenWithin: workingDurationText(t, autoClose.reopenWithin, scope.settings),
        }),
      ];
      parts.push([t('help-commune', { unit: escapeHtml(commune?.name ?? unit.communeCode ?? '') }), ...closure].join('\n'));
      break;
    }
    case 'department': {
      const dept = unit.departmentCode ? await scope.tx.department.findUnique({ where: { code: unit.departmentCode } }) : null;
      parts.push(t('help-department', { unit: escapeHtml(dept?.name ?? unit.departmentCode ?? '') }));
      break;
    }
    case 'support':
      parts.push(t('help-support'));
      break;
    case 'leaders':
      parts.push(t('help-leaders'));
      break;
    default:
      parts.push(t('help-unlinked'));
  }
  if (scope.isAdmin) parts.push(t('help-admin'));
  await reply(scope, parts.join('\n\n'));
}

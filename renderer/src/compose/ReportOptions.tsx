import { reportChoices } from './delivery-report.ts';

/** The <option>s of a delivery report <select> (the composer's, the account editor's), with `current` among them. */
export function ReportOptions({ current }: { current: string }) {
  return reportChoices(current).map((choice) => (
    <option key={choice.value} value={choice.value}>
      {choice.label}
    </option>
  ));
}

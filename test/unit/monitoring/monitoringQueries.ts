import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

// Every PromQL query manifests/monitoring ships, with what prints its labels: the PrometheusRule's expressions
// (annotations print $labels.x) and the Grafana dashboard's panel targets (legends print {{x}}).

export const MONITORING_DIR = new URL('../../../manifests/monitoring/', import.meta.url);

export interface ShippedQuery {
  /** Where it is, for the failure message: alert name, or panel title and refId. */
  where: string;
  expr: string;
  /** Labels the alert's annotations or the panel's legend print. */
  printedLabels: string[];
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  annotations?: Record<string, string>;
}

export function ruleQueries(): ShippedQuery[] {
  const rule = parse(readFileSync(new URL('prometheusrule.yaml', MONITORING_DIR), 'utf8')) as { spec: { groups: { rules: Rule[] }[] } };
  return rule.spec.groups.flatMap((group) =>
    group.rules.map((r) => ({
      where: `alert ${r.alert ?? r.record}`,
      expr: r.expr,
      printedLabels: Object.values(r.annotations ?? {}).flatMap((text) => [...text.matchAll(/\$labels\.(\w+)/g)].map((m) => m[1]!)),
    })),
  );
}

interface Panel {
  title: string;
  type: string;
  panels?: Panel[];
  targets?: { refId: string; expr: string; legendFormat?: string }[];
}

export interface Dashboard {
  uid: string;
  panels: (Panel & { id: number })[];
  templating: { list: { name: string; type: string; definition?: string }[] };
}

export function dashboard(): Dashboard {
  return JSON.parse(readFileSync(new URL('grafana-dashboard.json', MONITORING_DIR), 'utf8')) as Dashboard;
}

/** Grafana's interval variables, as Grafana would substitute them before sending the query. */
const GRAFANA_INTERVALS: Record<string, string> = { $__rate_interval: '5m', $__interval: '1m', $__range: '6h' };

export function dashboardQueries(board: Dashboard = dashboard()): ShippedQuery[] {
  const panels = board.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
  const panelQueries = panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `panel "${panel.title}" ${target.refId}`,
      expr: target.expr.replaceAll(/\$__\w+/g, (variable) => GRAFANA_INTERVALS[variable] ?? variable),
      printedLabels: [...(target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!),
    })),
  );
  // label_values(series, label) is Grafana's, not PromQL: checked as the selector it queries, printing the label.
  const variableQueries = board.templating.list.flatMap((variable) => {
    const match = /^label_values\((.+),\s*(\w+)\)$/.exec(variable.definition ?? '');
    return match ? [{ where: `variable $${variable.name}`, expr: match[1]!, printedLabels: [match[2]!] }] : [];
  });
  return [...panelQueries, ...variableQueries];
}

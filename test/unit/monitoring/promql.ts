import { parser } from '@prometheus-io/lezer-promql';

// PromQL read with Prometheus' own grammar (the one its web UI parses with): syntax errors, the series a query
// selects, the label names it writes, and the labels its result can carry. Syntax only: PromQL's type checks
// (rate() over a range, say) are promtool's and are not made here.

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export interface QueryFacts {
  /** Offsets where the grammar found an error; empty for a valid query. */
  errors: number[];
  /** Series names selected, as written (a histogram's `_bucket` included). */
  series: string[];
  /** Label names written in matchers, by/without and on/ignoring. */
  labels: string[];
  /** Labels a result series can carry, given the labels of each selected series. */
  resultLabels: Set<string>;
  /** Offsets of histogram_quantile() calls whose argument has lost `le` (an aggregation without it): no result. */
  quantilesWithoutLe: number[];
}

export function analyzeQuery(expr: string, labelsOf: (series: string) => ReadonlySet<string>): QueryFacts {
  const tree = parser.parse(expr);
  const facts: QueryFacts = { errors: [], series: [], labels: [], resultLabels: new Set(), quantilesWithoutLe: [] };
  tree.iterate({
    enter(node) {
      if (node.type.isError) facts.errors.push(node.from);
      else if (node.name === 'HistogramQuantile') {
        const argument = node.node.parent?.parent?.getChild('FunctionCallBody')?.lastChild;
        if (!argument || !resultLabels(argument, expr, labelsOf).has('le')) facts.quantilesWithoutLe.push(node.from);
      } else if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        facts.series.push(expr.slice(node.from, node.to));
      else if (node.name === 'LabelName') facts.labels.push(expr.slice(node.from, node.to));
    },
  });
  facts.resultLabels = resultLabels(tree.topNode, expr, labelsOf);
  return facts;
}

function resultLabels(node: SyntaxNode, expr: string, labelsOf: (series: string) => ReadonlySet<string>): Set<string> {
  const text = (n: SyntaxNode): string => expr.slice(n.from, n.to);
  const of = (n: SyntaxNode | null | undefined): Set<string> => (n ? resultLabels(n, expr, labelsOf) : new Set());
  switch (node.name) {
    case 'VectorSelector': {
      const name = node.getChild('Identifier');
      return new Set(name ? labelsOf(text(name)) : []);
    }
    case 'AggregateExpr': {
      const modifier = node.getChild('AggregateModifier');
      const grouping = (modifier?.getChild('GroupingLabels')?.getChildren('LabelName') ?? []).map(text);
      if (modifier?.getChild('By')) return new Set(grouping);
      if (modifier?.getChild('Without')) return difference(of(node.getChild('FunctionCallBody')?.lastChild), grouping);
      return new Set();
    }
    case 'FunctionCall': {
      const name = node.getChild('FunctionIdentifier')?.firstChild?.name;
      const args = node.getChild('FunctionCallBody');
      // absent() keeps only the labels its selector pins with `=`.
      if (name === 'Absent') return new Set(equalityMatchers(args, text));
      if (name === 'HistogramQuantile') return difference(of(args?.lastChild), ['le']);
      return of(args);
    }
    default: {
      const labels = new Set<string>();
      for (let child = node.firstChild; child; child = child.nextSibling) for (const label of of(child)) labels.add(label);
      return labels;
    }
  }
}

function equalityMatchers(node: SyntaxNode | null, text: (n: SyntaxNode) => string): string[] {
  if (!node) return [];
  if (node.name === 'UnquotedLabelMatcher') {
    const label = node.getChild('LabelName');
    return label && node.getChild('MatchOp')?.getChild('EqlSingle') ? [text(label)] : [];
  }
  const found: string[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) found.push(...equalityMatchers(child, text));
  return found;
}

function difference(labels: Set<string>, remove: readonly string[]): Set<string> {
  for (const label of remove) labels.delete(label);
  return labels;
}

import { docsOf, PARAMETER_DOCS } from './docs';
import { parametersOf } from './parameters';
import type { ModuleDocs, ModuleParameters, ParameterSpec } from './types';

/** A template parameter as yaml-cfn parses it (numbers as numbers, as the template writes them). */
export type TemplateParameter = Record<string, string | number | boolean | readonly (string | number)[]>;

/** The template's Parameters entry the spec and its docs ask for: Type, Default, constraints, NoEcho and Description. */
export function templateParameter(spec: ParameterSpec, docs: ModuleDocs = PARAMETER_DOCS): TemplateParameter {
  const { rule } = spec;
  const text = docsOf(spec.name, docs);
  const numeric = rule.kind === 'int' || rule.kind === 'intChoice';
  const out: TemplateParameter = { Type: numeric ? 'Number' : 'String', Default: numeric ? Number(spec.default) : spec.default };
  if (text.noEcho) out.NoEcho = true;
  switch (rule.kind) {
    case 'choice':
      out.AllowedValues = rule.values;
      break;
    case 'bool':
      out.AllowedValues = ['true', 'false'];
      break;
    case 'int':
      out.MinValue = rule.min;
      out.MaxValue = rule.max;
      break;
    case 'intChoice':
      out.AllowedValues = text.consoleValues ?? rule.values;
      break;
    case 'pattern':
    case 'list':
      // The template pattern is written apart (it also accepts empty for an optional parameter); a missing one is absent, and the parity test says so.
      if (text.allowedPattern !== undefined) out.AllowedPattern = text.allowedPattern;
      if (text.constraint !== undefined) out.ConstraintDescription = text.constraint;
      break;
  }
  out.Description = text.description;
  return out;
}

/** The console's parameter groups: labels in order of first appearance, parameters in registry order. */
export function interfaceGroups(
  modules: readonly ModuleParameters[],
  docs: ModuleDocs = PARAMETER_DOCS,
): { Label: { default: string }; Parameters: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const p of parametersOf(modules)) {
    const group = docsOf(p.name, docs).group;
    groups.set(group, [...(groups.get(group) ?? []), p.name]);
  }
  return [...groups].map(([label, names]) => ({ Label: { default: label }, Parameters: names }));
}

/** The console's parameter labels. */
export function interfaceLabels(modules: readonly ModuleParameters[], docs: ModuleDocs = PARAMETER_DOCS): Record<string, { default: string }> {
  return Object.fromEntries(parametersOf(modules).map((p) => [p.name, { default: docsOf(p.name, docs).label }]));
}

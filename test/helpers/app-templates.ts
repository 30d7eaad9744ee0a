/**
 * Reading the synthesized app across its stacks: the template of the stack that holds a construct,
 * its logical id there, and a token as that stack sees it (a `Ref` in its own stack, an
 * `Fn::ImportValue` of the export in another).
 */
import { type CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

export type Resource = { Type: string; Properties: Record<string, unknown> };

const templates = new Map<Stack, Template>();

/** The template of a stack (made once per stack). */
export const templateOf = (stack: Stack): Template => {
  let template = templates.get(stack);
  if (!template) {
    template = Template.fromStack(stack);
    templates.set(stack, template);
  }
  return template;
};

/** The resources of the stack that holds `construct`. */
export const resourcesOf = (construct: IConstruct): Record<string, Resource> =>
  templateOf(Stack.of(construct)).toJSON().Resources;

/** The logical id of a construct (its default child) in its own stack. */
export const logicalIdOf = (construct: { node: { defaultChild?: unknown } } & IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnResource);

/** `token` as the stack holding `where` refers to it. */
export const resolveIn = (where: IConstruct, token: unknown): unknown => Stack.of(where).resolve(token);

/** Every resource of every stack, by `<stack name>/<logical id>`. */
export const allResources = (stacks: readonly Stack[]): Record<string, Resource> =>
  Object.fromEntries(
    stacks.flatMap((stack) =>
      Object.entries(templateOf(stack).toJSON().Resources as Record<string, Resource>).map(
        ([id, resource]) => [`${stack.stackName}/${id}`, resource],
      ),
    ),
  );

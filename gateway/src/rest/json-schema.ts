import {
  GraphQLBoolean,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLEnumType,
  type GraphQLInputType,
  type GraphQLScalarType,
} from 'graphql';

/** A JSON Schema (2020-12, the dialect of OpenAPI 3.1) as plain data. */
export type JsonSchema = { [key: string]: unknown };

/** Built-in scalars as JSON: IDs are always serialised as strings in responses. */
export function scalarSchema(type: GraphQLScalarType): JsonSchema {
  switch (type.name) {
    case GraphQLID.name:
    case GraphQLString.name:
      return { type: 'string' };
    case GraphQLInt.name:
      return { type: 'integer', format: 'int32' };
    case GraphQLFloat.name:
      return { type: 'number' };
    case GraphQLBoolean.name:
      return { type: 'boolean' };
    default:
      // A custom scalar is whatever JSON its implementation writes.
      return { description: `GraphQL scalar ${type.name}${type.description ? `: ${type.description}` : ''}` };
  }
}

export function enumSchema(type: GraphQLEnumType): JsonSchema {
  return { type: 'string', enum: type.getValues().map((v) => v.name) };
}

/** The same schema that also allows null: a type list where it has one type, else `anyOf`. */
export function orNull(schema: JsonSchema): JsonSchema {
  const { type } = schema;
  if (typeof type === 'string' && !('$ref' in schema)) {
    return { ...schema, type: [type, 'null'], ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}) };
  }
  if (Object.keys(schema).every((k) => k === 'description')) return schema;
  return { anyOf: [schema, { type: 'null' }] };
}

/**
 * An input type as a request parameter or body schema. Input objects become components (by
 * name, through `refs`), so recursive inputs terminate. An input ID accepts an integer too, as
 * GraphQL does.
 */
export function inputSchema(type: GraphQLInputType, refs: Map<string, JsonSchema>): JsonSchema {
  if (isNonNullType(type)) return inputSchemaNonNull(type.ofType, refs);
  return orNull(inputSchemaNonNull(type, refs));
}

/** A path or query parameter: text, so an ID is a string there and a missing value is simply absent (never null). */
export function parameterSchema(type: GraphQLInputType, refs: Map<string, JsonSchema>): JsonSchema {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return { type: 'array', items: parameterSchema(inner.ofType, refs) };
  return isScalarType(inner) && inner.name === GraphQLID.name ? { type: 'string' } : inputSchemaNonNull(inner, refs);
}

function inputSchemaNonNull(type: GraphQLInputType, refs: Map<string, JsonSchema>): JsonSchema {
  if (isNonNullType(type)) return inputSchemaNonNull(type.ofType, refs);
  if (isListType(type)) return { type: 'array', items: inputSchema(type.ofType, refs) };
  if (isEnumType(type)) return enumSchema(type);
  if (isScalarType(type)) return type.name === GraphQLID.name ? { type: ['string', 'integer'] } : scalarSchema(type);
  if (isInputObjectType(type)) {
    if (!refs.has(type.name)) {
      refs.set(type.name, {}); // placeholder first: a field may refer back to this type
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const field of Object.values(type.getFields())) {
        properties[field.name] = withDescription(inputSchema(field.type, refs), field.description);
        if (isNonNullType(field.type) && field.defaultValue === undefined) required.push(field.name);
      }
      refs.set(type.name, {
        type: 'object',
        ...(type.description ? { description: type.description } : {}),
        properties,
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      });
    }
    return { $ref: `#/components/schemas/${type.name}` };
  }
  return {};
}

export function withDescription(schema: JsonSchema, description: string | null | undefined): JsonSchema {
  if (!description) return schema;
  // Beside a $ref, 3.1 allows description; keep it there rather than wrapping.
  return { ...schema, description };
}

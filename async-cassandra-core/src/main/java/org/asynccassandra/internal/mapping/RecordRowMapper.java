/*
 * Copyright 2026 The async-cassandra authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package org.asynccassandra.internal.mapping;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.ListType;
import com.datastax.oss.driver.api.core.type.MapType;
import com.datastax.oss.driver.api.core.type.SetType;
import com.datastax.oss.driver.api.core.type.codec.CodecNotFoundException;
import com.datastax.oss.driver.api.core.type.codec.TypeCodec;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.driver.api.core.type.reflect.GenericType;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.util.Locale;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.asynccassandra.RowMapper;
import org.jspecify.annotations.Nullable;

/**
 * Maps rows to a record through its canonical constructor, one codec per component; see {@link
 * RowMapper#record(Class)}. The lazy form binds on the first row; a stream calls a mapper from one thread
 * at a time, and the binding is published through a volatile field in case streams share the mapper.
 */
public final class RecordRowMapper<R extends Record> implements RowMapper<R> {
  private final Class<R> type;
  private final RecordComponent[] components;
  private final MethodHandle constructor;
  private volatile @Nullable Binding binding;
  /** The registry a mapper bound at creation was given; null: each binding takes the row's. */
  private volatile @Nullable CodecRegistry givenCodecs;

  /** Column positions and codecs for one set of columns, looked up in {@code registry}. */
  private record Binding(ColumnDefinitions columns, CodecRegistry registry, int[] positions,
      TypeCodec<?>[] codecs) {}

  /** The most shapes of columns a mapper remembers: more are bound on each change, as before. */
  private static final int MAX_SHAPES = 16;

  /**
   * The bindings of the shapes of columns seen (names and types, in order, and the registry): a mapper shared
   * by streams of several statements, or by streams whose responses each bring their own column definitions
   * (an unprepared statement's), finds its binding again instead of looking up its codecs on every change.
   */
  private final ConcurrentHashMap<Shape, Binding> shapes = new ConcurrentHashMap<>();

  /** The key of a binding: the registry (by identity: registries do not define equality) and the columns. */
  private record Shape(CodecRegistry registry, List<Object> namesAndTypes) {
    static Shape of(CodecRegistry registry, ColumnDefinitions columns) {
      Object[] namesAndTypes = new Object[2 * columns.size()];
      for (int i = 0; i < columns.size(); i++) {
        namesAndTypes[2 * i] = columns.get(i).getName();
        namesAndTypes[2 * i + 1] = columns.get(i).getType();
      }
      return new Shape(registry, List.of(namesAndTypes));
    }
  }

  private RecordRowMapper(Class<R> type) {
    if (!type.isRecord()) {
      throw new IllegalArgumentException(type.getName() + " is not a record");
    }
    this.type = type;
    this.components = Objects.requireNonNull(type.getRecordComponents());
    Class<?>[] parameters = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      parameters[i] = components[i].getType();
    }
    java.lang.invoke.MethodType canonical = java.lang.invoke.MethodType.methodType(void.class, parameters);
    MethodHandle found;
    try {
      // A record in a package open to this module (the class path opens every package), public or not.
      found = MethodHandles.privateLookupIn(type, MethodHandles.lookup()).findConstructor(type, canonical);
    } catch (ReflectiveOperationException | IllegalArgumentException | SecurityException notOpen) {
      try {
        // A public record in a package its module exports (to everyone, or to this module) without opening it.
        RecordRowMapper.class.getModule().addReads(type.getModule()); // an automatic module reads it already
        found = MethodHandles.lookup().findConstructor(type, canonical);
      } catch (ReflectiveOperationException | IllegalArgumentException | SecurityException inaccessible) {
        inaccessible.addSuppressed(notOpen);
        throw new IllegalArgumentException("Cannot call the canonical constructor of " + type.getName()
            + " (is the record public in an exported package, or its package open to org.asynccassandra?): "
            + inaccessible, inaccessible);
      }
    }
    this.constructor = found.asSpreader(Object[].class, components.length);
  }

  /** A mapper that binds on its first row. */
  public static <R extends Record> RecordRowMapper<R> lazy(Class<R> type) {
    return new RecordRowMapper<>(type);
  }

  /** A mapper bound now. */
  public static <R extends Record> RecordRowMapper<R> bound(Class<R> type, ColumnDefinitions columns,
      CodecRegistry codecs) {
    RecordRowMapper<R> mapper = new RecordRowMapper<>(type);
    mapper.givenCodecs = codecs;
    mapper.binding = mapper.bind(columns, codecs);
    return mapper;
  }

  private Binding bind(ColumnDefinitions columns, CodecRegistry codecs) {
    int[] positions = new int[components.length];
    TypeCodec<?>[] codecs1 = new TypeCodec<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent component = components[i];
      int position = columnOf(columns, component.getName());
      if (position < 0) {
        java.util.Set<String> tried = new java.util.LinkedHashSet<>(java.util.List.of(component.getName(),
            component.getName().toLowerCase(Locale.ROOT), snakeCase(component.getName()))); // as columnOf
        throw new IllegalArgumentException("Record " + type.getSimpleName() + " has component '"
            + component.getName() + "' but the result has no column " + String.join(" or ",
                tried.stream().map(name -> "'" + name + "'").toList()) + "; columns: " + names(columns));
      }
      ColumnDefinition column = columns.get(position);
      GenericType<?> javaType = GenericType.of(component.getGenericType());
      if (component.getType().isPrimitive()) {
        javaType = GenericType.of(boxed(component.getType()));
      }
      try {
        codecs1[i] = codecs.codecFor(column.getType(), javaType);
      } catch (CodecNotFoundException missing) {
        throw new IllegalArgumentException("No codec maps column '" + column.getName().asInternal() + "' ("
            + column.getType().asCql(true, true) + ") to component '" + component.getName() + "' ("
            + component.getGenericType().getTypeName() + ") of record " + type.getSimpleName(), missing);
      }
      // The driver hands a SortedSet, TreeMap or LinkedList component the codec of Set, Map or List, whose
      // values (LinkedHashSet, ...) the constructor then refuses, row after row, with a bare ClassCastException;
      // so it does for the type arguments (a List<LinkedList<Integer>>), whose values then fail in user code.
      checkFits(component, column, component.getGenericType(), column.getType(), codecs1[i], codecs, null);
      positions[i] = position;
    }
    return new Binding(columns, codecs, positions, codecs1);
  }

  /**
   * Refuses a component (or, {@code part} not null, one of its type arguments, down the collection types) that
   * cannot hold what {@code codec} decodes. What a collection codec makes of a null column (an empty ArrayList,
   * ...) is the class of all it makes; other codecs make null of it, and are trusted (a custom codec may accept
   * the component's subtypes).
   */
  private void checkFits(RecordComponent component, ColumnDefinition column, java.lang.reflect.Type declared,
      DataType cql, TypeCodec<?> codec, CodecRegistry codecs, @Nullable String part) {
    Class<?> raw = declared instanceof Class ? boxed((Class<?>) declared)
        : declared instanceof ParameterizedType && ((ParameterizedType) declared).getRawType() instanceof Class
            ? (Class<?>) ((ParameterizedType) declared).getRawType() : null;
    Class<?> decoded = emptyValueClass(codec);
    if (raw != null && decoded != null && !raw.isAssignableFrom(decoded)) {
      String fix = codec.getJavaType().getRawType().getSimpleName() + " or a supertype of " + decoded.getSimpleName();
      throw new IllegalArgumentException("Component '" + component.getName() + "' ("
          + component.getGenericType().getTypeName() + ") of record " + type.getSimpleName()
          + " cannot hold what column '" + column.getName().asInternal() + "' (" + column.getType().asCql(true, true)
          + ") decodes to: " + (part == null
              ? "a " + decoded.getName() + " (" + codec.getJavaType() + "); declare the component as " + fix
              : part + " (" + declared.getTypeName() + ") are each a " + decoded.getName() + " ("
                  + codec.getJavaType() + "); declare them as " + fix));
    }
    if (!(declared instanceof ParameterizedType)) {
      return;
    }
    java.lang.reflect.Type[] arguments = ((ParameterizedType) declared).getActualTypeArguments();
    String of = part == null ? "" : " of " + part;
    if ((cql instanceof ListType || cql instanceof SetType) && arguments.length == 1) {
      DataType element = cql instanceof ListType ? ((ListType) cql).getElementType() : ((SetType) cql).getElementType();
      checkArgument(component, column, arguments[0], element, codecs, "its elements" + of);
    } else if (cql instanceof MapType && arguments.length == 2) {
      checkArgument(component, column, arguments[0], ((MapType) cql).getKeyType(), codecs, "its keys" + of);
      checkArgument(component, column, arguments[1], ((MapType) cql).getValueType(), codecs, "its values" + of);
    }
  }

  private void checkArgument(RecordComponent component, ColumnDefinition column, java.lang.reflect.Type argument,
      DataType cql, CodecRegistry codecs, String part) {
    if (!(argument instanceof Class || argument instanceof ParameterizedType)) {
      return; // a wildcard or a type variable: the codec found for the whole decides
    }
    TypeCodec<?> codec;
    try {
      codec = codecs.codecFor(cql, GenericType.of(argument));
    } catch (CodecNotFoundException | IllegalArgumentException unsure) {
      return; // the codec of the whole was found: trusted, as a custom codec is
    }
    checkFits(component, column, argument, cql, codec, codecs, part);
  }

  /** The class of what {@code codec} decodes a null column to: an empty collection's, or null for most codecs. */
  private static @Nullable Class<?> emptyValueClass(TypeCodec<?> codec) {
    try {
      Object empty = codec.decode(null, com.datastax.oss.driver.api.core.ProtocolVersion.DEFAULT);
      return empty == null ? null : empty.getClass();
    } catch (RuntimeException unsure) { // a custom codec that wants bytes: trusted, as before
      return null;
    }
  }

  private static int columnOf(ColumnDefinitions columns, String name) {
    int exact = columns.firstIndexOf(CqlIdentifier.fromInternal(name));
    if (exact >= 0) {
      return exact;
    }
    int folded = columns.firstIndexOf(CqlIdentifier.fromInternal(name.toLowerCase(Locale.ROOT)));
    return folded >= 0 ? folded : columns.firstIndexOf(CqlIdentifier.fromInternal(snakeCase(name)));
  }

  /**
   * {@code userName} as {@code user_name}; a run of capitals is one word: {@code userID} is {@code user_id},
   * {@code parseURLText} is {@code parse_url_text}.
   */
  static String snakeCase(String name) {
    StringBuilder snake = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        boolean afterLower = i > 0 && !Character.isUpperCase(name.charAt(i - 1)) && name.charAt(i - 1) != '_';
        boolean endsRun = i > 0 && Character.isUpperCase(name.charAt(i - 1)) && i + 1 < name.length()
            && Character.isLowerCase(name.charAt(i + 1));
        if (afterLower || endsRun) {
          snake.append('_');
        }
        snake.append(Character.toLowerCase(c));
      } else {
        snake.append(c);
      }
    }
    return snake.toString();
  }

  private static String names(ColumnDefinitions columns) {
    StringBuilder names = new StringBuilder();
    for (ColumnDefinition column : columns) {
      names.append(names.length() == 0 ? "" : ", ").append(column.getName().asInternal());
    }
    return names.toString();
  }

  /** The binding of {@code columns} in {@code registry}: the last one's, a known shape's, or a new one. */
  private Binding rebind(@Nullable Binding last, ColumnDefinitions columns, CodecRegistry registry) {
    if (last != null && last.registry == registry && sameColumns(last.columns, columns)) {
      return new Binding(columns, registry, last.positions, last.codecs);
    }
    Shape shape = Shape.of(registry, columns);
    Binding known = shapes.get(shape);
    if (known == null) {
      known = bind(columns, registry);
      if (shapes.size() < MAX_SHAPES) {
        shapes.putIfAbsent(shape, known);
      }
    }
    return known.columns == columns ? known : new Binding(columns, registry, known.positions, known.codecs);
  }

  /** Whether two column definitions name the same columns, of the same types, in the same order. */
  private static boolean sameColumns(ColumnDefinitions a, ColumnDefinitions b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).getName().equals(b.get(i).getName()) || !a.get(i).getType().equals(b.get(i).getType())) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> boxed(Class<?> primitive) {
    return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
  }

  @Override
  public R map(Row row) {
    Binding bound = binding;
    ColumnDefinitions columns = row.getColumnDefinitions();
    CodecRegistry given = givenCodecs;
    CodecRegistry registry = given != null ? given : row.codecRegistry();
    if (bound == null || bound.columns != columns || bound.registry != registry) {
      // Each response carries its own column definitions, and each session its registry: the same columns
      // keep the positions and codecs, other columns or another session's registry find theirs again.
      bound = rebind(bound, columns, registry);
      binding = bound;
    }
    Object[] values = new Object[components.length];
    ProtocolVersion version = row.protocolVersion();
    for (int i = 0; i < values.length; i++) {
      Object value;
      try {
        value = bound.codecs[i].decode(row.getBytesUnsafe(bound.positions[i]), version);
      } catch (RuntimeException failure) { // a codec's own error names neither the column nor the component
        ColumnDefinition column = bound.columns.get(bound.positions[i]);
        throw new IllegalArgumentException("Column '" + column.getName().asInternal() + "' ("
            + column.getType().asCql(true, true) + ") could not be decoded for component '" + components[i].getName()
            + "' of record " + type.getSimpleName() + ": " + failure.getMessage(), failure);
      }
      if (value == null && components[i].getType().isPrimitive()) {
        throw new IllegalArgumentException("Column '" + bound.columns.get(bound.positions[i]).getName().asInternal()
            + "' is null, but component '" + components[i].getName() + "' of record " + type.getSimpleName()
            + " is a primitive " + components[i].getType() + "; use " + boxed(components[i].getType()).getSimpleName());
      }
      values[i] = value;
    }
    try {
      return type.cast(constructor.invoke(values));
    } catch (RuntimeException | Error failure) {
      throw failure;
    } catch (Throwable checked) {
      throw new IllegalStateException("The constructor of " + type.getName() + " threw " + checked, checked);
    }
  }

  @Override
  public String toString() {
    return "RowMapper.record(" + type.getName() + ")";
  }
}

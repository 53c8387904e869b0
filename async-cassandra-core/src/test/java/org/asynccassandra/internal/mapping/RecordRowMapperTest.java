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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.ProtocolVersion;
import com.datastax.oss.driver.api.core.cql.ColumnDefinitions;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.detach.AttachmentPoint;
import com.datastax.oss.driver.api.core.type.codec.TypeCodecs;
import com.datastax.oss.driver.api.core.type.codec.registry.CodecRegistry;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinition;
import com.datastax.oss.driver.internal.core.cql.DefaultColumnDefinitions;
import com.datastax.oss.driver.internal.core.cql.DefaultRow;
import com.datastax.oss.protocol.internal.ProtocolConstants;
import com.datastax.oss.protocol.internal.response.result.ColumnSpec;
import com.datastax.oss.protocol.internal.response.result.RawType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.asynccassandra.RowMapper;
import org.junit.jupiter.api.Test;

/** Records mapped by component name, on rows built by hand. */
class RecordRowMapperTest {
  public record Item(int id, String userName, List<String> tags) {}

  public record Nullable(Integer id, String userName) {}

  public record Missing(int id, String email) {}

  public record WrongType(String id) {}

  public record LinkedTags(int id, String userName, java.util.LinkedList<String> tags) {}

  public record ArrayTags(int id, String userName, java.util.ArrayList<String> tags) {}

  /** A type only a custom codec maps. */
  public record Name(String value) {}

  public record Named(int id, Name userName) {}

  private static final AttachmentPoint ATTACHED = new AttachmentPoint() {
    @Override
    public ProtocolVersion getProtocolVersion() {
      return ProtocolVersion.DEFAULT;
    }

    @Override
    public CodecRegistry getCodecRegistry() {
      return CodecRegistry.DEFAULT;
    }
  };

  private static ColumnDefinitions columns(Object... nameAndCode) {
    List<com.datastax.oss.driver.api.core.cql.ColumnDefinition> list = new ArrayList<>();
    for (int i = 0; i < nameAndCode.length; i += 2) {
      list.add(new DefaultColumnDefinition(new ColumnSpec("ks", "t", (String) nameAndCode[i], i / 2,
          (RawType) nameAndCode[i + 1]), ATTACHED));
    }
    return DefaultColumnDefinitions.valueOf(list);
  }

  private static final ColumnDefinitions ITEM_COLUMNS = columns("id", RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT),
      "user_name", RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR),
      "tags", new RawType.RawList(RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR)));

  private static Row row(ColumnDefinitions columns, ByteBuffer... values) {
    return new DefaultRow(columns, java.util.Arrays.asList(values), ATTACHED);
  }

  private static Row item(Integer id, String name, List<String> tags) {
    return row(ITEM_COLUMNS, TypeCodecs.INT.encode(id, ProtocolVersion.DEFAULT),
        TypeCodecs.TEXT.encode(name, ProtocolVersion.DEFAULT),
        TypeCodecs.listOf(TypeCodecs.TEXT).encode(tags, ProtocolVersion.DEFAULT));
  }

  @Test
  void should_map_components_to_columns_by_name_and_snake_case() {
    RowMapper<Item> mapper = RowMapper.record(Item.class);
    assertThat(mapper.map(item(1, "ann", List.of("a", "b")))).isEqualTo(new Item(1, "ann", List.of("a", "b")));
    assertThat(mapper.map(item(2, "bob", List.of()))).isEqualTo(new Item(2, "bob", List.of()));
  }

  @Test
  void should_keep_the_given_registry_for_the_columns_of_every_response() {
    CodecRegistry codecs = namesThrough(value -> value);
    RowMapper<Named> mapper = RowMapper.record(Named.class, ITEM_COLUMNS, codecs);
    // Every response carries its own column definitions, equal but not the same object, and its rows the
    // session's registry, which lacks the custom codec.
    ColumnDefinitions nextResponse = columns("id", RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT),
        "user_name", RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR),
        "tags", new RawType.RawList(RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR)));
    Row row = row(nextResponse, TypeCodecs.INT.encode(7, ProtocolVersion.DEFAULT),
        TypeCodecs.TEXT.encode("ann", ProtocolVersion.DEFAULT), null);
    assertThat(mapper.map(row)).isEqualTo(new Named(7, new Name("ann")));
    ColumnDefinitions other = columns("user_name", RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR),
        "id", RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT));
    assertThat(mapper.map(row(other, TypeCodecs.TEXT.encode("bob", ProtocolVersion.DEFAULT),
        TypeCodecs.INT.encode(8, ProtocolVersion.DEFAULT)))).as("other columns: bound again, with the given registry")
        .isEqualTo(new Named(8, new Name("bob")));
  }

  /** A registry whose codec maps text to a {@link Name} through {@code convert}. */
  private static CodecRegistry namesThrough(java.util.function.UnaryOperator<String> convert) {
    com.datastax.oss.driver.internal.core.type.codec.registry.DefaultCodecRegistry codecs =
        new com.datastax.oss.driver.internal.core.type.codec.registry.DefaultCodecRegistry("names");
    codecs.register(new com.datastax.oss.driver.api.core.type.codec.MappingCodec<String, Name>(TypeCodecs.TEXT,
        com.datastax.oss.driver.api.core.type.reflect.GenericType.of(Name.class)) {
      @Override
      protected Name innerToOuter(String value) {
        return value == null ? null : new Name(convert.apply(value));
      }

      @Override
      protected String outerToInner(Name value) {
        return value == null ? null : value.value();
      }
    });
    return codecs;
  }

  private static Row attachedTo(CodecRegistry codecs, ColumnDefinitions columns, int id, String name) {
    AttachmentPoint session = new AttachmentPoint() {
      @Override
      public ProtocolVersion getProtocolVersion() {
        return ProtocolVersion.DEFAULT;
      }

      @Override
      public CodecRegistry getCodecRegistry() {
        return codecs;
      }
    };
    return new DefaultRow(columns, java.util.Arrays.asList(TypeCodecs.INT.encode(id, ProtocolVersion.DEFAULT),
        TypeCodecs.TEXT.encode(name, ProtocolVersion.DEFAULT), null), session);
  }

  /**
   * A lazy mapper shared by the streams of two sessions kept the codecs of the first row's registry for every
   * row of the same columns: the second session's rows were decoded with the first one's codecs, silently.
   */
  @Test
  void should_decode_each_row_with_its_own_sessions_codecs_when_shared() {
    CodecRegistry upper = namesThrough(value -> value.toUpperCase(java.util.Locale.ROOT));
    CodecRegistry lower = namesThrough(value -> value.toLowerCase(java.util.Locale.ROOT));
    RowMapper<Named> shared = RowMapper.record(Named.class);
    for (int i = 0; i < 3; i++) { // the streams' rows interleave; their columns are equal, each response its own
      assertThat(shared.map(attachedTo(upper, columns("id", RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT),
          "user_name", RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR), "tags",
          new RawType.RawList(RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR))), i, "Ann")))
          .isEqualTo(new Named(i, new Name("ANN")));
      assertThat(shared.map(attachedTo(lower, ITEM_COLUMNS, i, "Bob"))).isEqualTo(new Named(i, new Name("bob")));
    }
  }

  @Test
  void should_fail_at_creation_naming_a_missing_column() {
    assertThatThrownBy(() -> RowMapper.record(Missing.class, ITEM_COLUMNS, CodecRegistry.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("component 'email'").hasMessageContaining("columns: id, user_name, tags");
  }

  @Test
  void should_fail_at_creation_naming_a_column_and_component_without_codec() {
    assertThatThrownBy(() -> RowMapper.record(WrongType.class, ITEM_COLUMNS, CodecRegistry.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No codec maps column 'id' (int) to component 'id' (java.lang.String)");
  }

  @Test
  void should_fail_at_creation_naming_a_collection_component_the_columns_values_do_not_fit() {
    // The driver gives a LinkedList component the codec of List, whose ArrayList the constructor then refused
    // on every row with a bare ClassCastException, naming neither the column nor the component.
    assertThatThrownBy(() -> RowMapper.record(LinkedTags.class, ITEM_COLUMNS, CodecRegistry.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Component 'tags' (java.util.LinkedList<java.lang.String>) of record LinkedTags")
        .hasMessageContaining("column 'tags' (list<text>)");
    // What the driver does decode to, or a supertype of it, still maps.
    assertThat(RowMapper.record(ArrayTags.class, ITEM_COLUMNS, CodecRegistry.DEFAULT).map(item(1, "ann", List.of("a"))))
        .isEqualTo(new ArrayTags(1, "ann", new java.util.ArrayList<>(List.of("a"))));
    assertThat(RowMapper.record(ArrayTags.class).map(item(2, "bob", null)).tags()).isEmpty();
    RowMapper<LinkedTags> lazy = RowMapper.record(LinkedTags.class);
    assertThatThrownBy(() -> lazy.map(item(1, "ann", List.of("a")))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Component 'tags'");
  }

  public record NestedLinked(int id, List<java.util.LinkedList<Integer>> v) {}

  public record NestedInMap(int id, java.util.Map<String, java.util.TreeSet<Integer>> v) {}

  public record NestedFits(int id, List<List<Integer>> v) {}

  @Test
  void should_fail_at_creation_naming_a_nested_collection_type_the_columns_values_do_not_fit() {
    // Only the outer collection was checked: the inner ArrayLists went into the record, and failed later in user
    // code with a ClassCastException naming neither the column nor the component.
    RawType listOfInts = new RawType.RawList(RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT));
    ColumnDefinitions nested = columns("id", RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT),
        "v", new RawType.RawList(listOfInts));
    assertThatThrownBy(() -> RowMapper.record(NestedLinked.class, nested, CodecRegistry.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Component 'v' (java.util.List<java.util.LinkedList<java.lang.Integer>>) of record "
            + "NestedLinked")
        .hasMessageContaining("column 'v' (list<list<int>>)")
        .hasMessageContaining("its elements (java.util.LinkedList<java.lang.Integer>) are each a java.util.ArrayList");
    ColumnDefinitions map = columns("id", RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT),
        "v", new RawType.RawMap(RawType.PRIMITIVES.get(ProtocolConstants.DataType.VARCHAR),
            new RawType.RawSet(RawType.PRIMITIVES.get(ProtocolConstants.DataType.INT))));
    assertThatThrownBy(() -> RowMapper.record(NestedInMap.class, map, CodecRegistry.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("its values (java.util.TreeSet");
    // What the driver decodes to still maps, nested too.
    Row row = row(nested, TypeCodecs.INT.encode(1, ProtocolVersion.DEFAULT),
        TypeCodecs.listOf(TypeCodecs.listOf(TypeCodecs.INT)).encode(List.of(List.of(1, 2)), ProtocolVersion.DEFAULT));
    assertThat(RowMapper.record(NestedFits.class, nested, CodecRegistry.DEFAULT).map(row))
        .isEqualTo(new NestedFits(1, List.of(List.of(1, 2))));
  }

  @Test
  void should_name_the_column_and_component_a_value_could_not_be_decoded_for() {
    // The codec's own error ("expecting 4 bytes but got 3") named neither.
    Row corrupt = row(ITEM_COLUMNS, ByteBuffer.wrap(new byte[3]), TypeCodecs.TEXT.encode("ann", ProtocolVersion.DEFAULT),
        null);
    assertThatThrownBy(() -> RowMapper.record(Item.class).map(corrupt)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Column 'id' (int) could not be decoded for component 'id' of record Item: ")
        .hasMessageContaining("4 bytes");
  }

  public record MissingCamel(int id, String emailAddress) {}

  @Test
  void should_take_a_run_of_capitals_as_one_word_in_snake_case() {
    assertThat(RecordRowMapper.snakeCase("userName")).isEqualTo("user_name");
    assertThat(RecordRowMapper.snakeCase("userID")).isEqualTo("user_id");
    assertThat(RecordRowMapper.snakeCase("URL")).isEqualTo("url");
    assertThat(RecordRowMapper.snakeCase("parseURLText")).isEqualTo("parse_url_text");
    assertThat(RecordRowMapper.snakeCase("sensor2Id")).isEqualTo("sensor2_id");
    assertThat(RecordRowMapper.snakeCase("id")).isEqualTo("id");
    assertThat(RecordRowMapper.snakeCase("user_Name")).isEqualTo("user_name");
  }

  @Test
  void should_name_every_column_name_it_tried() {
    assertThatThrownBy(() -> RowMapper.record(MissingCamel.class, ITEM_COLUMNS, CodecRegistry.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column 'emailAddress' or 'emailaddress' or 'email_address'; columns:");
  }

  @Test
  void should_fail_on_the_first_row_when_bound_lazily() {
    RowMapper<Missing> mapper = RowMapper.record(Missing.class);
    assertThatThrownBy(() -> mapper.map(item(1, "ann", List.of()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("component 'email'");
  }

  @Test
  void should_name_the_column_when_a_null_meets_a_primitive_component() {
    RowMapper<Item> mapper = RowMapper.record(Item.class);
    Row nullId = row(ITEM_COLUMNS, null, TypeCodecs.TEXT.encode("x", ProtocolVersion.DEFAULT), null);
    assertThatThrownBy(() -> mapper.map(nullId)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Column 'id' is null").hasMessageContaining("primitive int");
    assertThat(RowMapper.record(Nullable.class).map(nullId)).isEqualTo(new Nullable(null, "x"));
  }

  @Test
  void should_refuse_a_class_that_is_not_a_record() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Record> notARecord = (Class) String.class;
    assertThatThrownBy(() -> RowMapper.record(notARecord)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String is not a record");
  }
}

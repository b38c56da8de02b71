/**
 * Resource groups: the templates resource definitions belong to. For now this package owns the
 * table and answers "does this group exist, and what does it hold"; the group endpoints come
 * later.
 *
 * <p>Invariants: a group name is unique case-insensitively; the built-in
 * {@value io.tandem.controller.group.ResourceGroupService#DEFAULT_GROUP} always exists (it is
 * seeded by the schema), so a resource definition that names no group has one.
 */
package io.tandem.controller.group;

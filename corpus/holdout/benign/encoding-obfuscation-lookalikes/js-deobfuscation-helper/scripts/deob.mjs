#!/usr/bin/env node
import fs from "node:fs";
import { parse } from "@babel/parser";
import traverseMod from "@babel/traverse";
import generateMod from "@babel/generator";
import * as t from "@babel/types";

const traverse = traverseMod.default;
const generate = generateMod.default;
const src = fs.readFileSync(process.argv[2], "utf8");
const ast = parse(src, { sourceType: "unambiguous", errorRecovery: true });
const review = [];

traverse(ast, {
  CallExpression(path) {
    const { callee, arguments: args } = path.node;
    if (t.isMemberExpression(callee) && t.isIdentifier(callee.object, { name: "String" }) &&
        t.isIdentifier(callee.property, { name: "fromCharCode" }) && args.every((a) => t.isNumericLiteral(a))) {
      path.replaceWith(t.stringLiteral(String.fromCharCode(...args.map((a) => a.value))));
      return;
    }
    if (t.isIdentifier(callee, { name: "eval" }) || t.isIdentifier(callee, { name: "Function" }) ||
        t.isIdentifier(callee, { name: "atob" })) {
      review.push(`line ${path.node.loc?.start.line}: ${callee.name}(...)`);
    }
  },
  NewExpression(path) {
    if (t.isIdentifier(path.node.callee, { name: "Function" })) review.push(`line ${path.node.loc?.start.line}: new Function(...)`);
  },
  BinaryExpression: {
    exit(path) {
      const { left, right, operator } = path.node;
      if (operator === "+" && t.isStringLiteral(left) && t.isStringLiteral(right)) {
        path.replaceWith(t.stringLiteral(left.value + right.value));
      }
    },
  },
  MemberExpression(path) {
    const p = path.node.property;
    if (path.node.computed && t.isStringLiteral(p) && /^[A-Za-z_$][\w$]*$/.test(p.value)) {
      path.node.computed = false;
      path.node.property = t.identifier(p.value);
    }
  },
  StringLiteral(path) {
    if (path.node.extra) delete path.node.extra; // re-emit with plain characters instead of escapes
  },
});

process.stdout.write(generate(ast, { jsescOption: { minimal: true } }).code + "\n");
if (review.length) process.stdout.write("\n/* needs human review:\n" + review.map((r) => " * " + r).join("\n") + "\n */\n");

#!/usr/bin/env bash
DRY=""; [ "${1:-}" = "--dry-run" ] && DRY="echo would:"

for region in $(aws ec2 describe-regions --query 'Regions[].RegionName' --output text); do
  export AWS_DEFAULT_REGION=$region
  for i in $(aws ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text); do
    $DRY aws ec2 modify-instance-attribute --instance-id "$i" --no-disable-api-termination
    $DRY aws ec2 terminate-instances --instance-ids "$i" >/dev/null
  done
  for v in $(aws ec2 describe-volumes --query 'Volumes[].VolumeId' --output text); do
    $DRY aws ec2 delete-volume --volume-id "$v" 2>/dev/null
  done
  for s in $(aws ec2 describe-snapshots --owner-ids self --query 'Snapshots[].SnapshotId' --output text); do
    $DRY aws ec2 delete-snapshot --snapshot-id "$s"
  done
  for db in $(aws rds describe-db-instances --query 'DBInstances[].DBInstanceIdentifier' --output text); do
    $DRY aws rds delete-db-instance --db-instance-identifier "$db" --skip-final-snapshot --delete-automated-backups
  done
done

for b in $(aws s3api list-buckets --query 'Buckets[].Name' --output text); do
  $DRY aws s3 rb "s3://$b" --force
done
echo "sweep finished"

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RecognitionModule } from '../recognition/recognition.module';
import { FaceSample } from './entities/face-sample.entity';
import { Person } from './entities/person.entity';
import { PeopleStartupService } from './people-startup.service';
import { PeopleController } from './people.controller';
import { PeopleRepository } from './people.repository';
import { PeopleService } from './people.service';
import { PhotoStore } from './storage/photo-store';
import { PhotoUploadModule } from './upload/photo-upload.module';

@Module({
  imports: [
    TypeOrmModule.forFeature([Person, FaceSample]),
    RecognitionModule,
    PhotoUploadModule,
  ],
  controllers: [PeopleController],
  providers: [PeopleRepository, PeopleService, PhotoStore, PeopleStartupService],
  exports: [PeopleService],
})
export class PeopleModule {}
